// A publisher app's use of the SDK without the hand-off entry (one bundle, no splitting).
import { createPaketClient } from '../../dist/paket-tv-sdk.js';

export async function publisherApp(profile, media, item) {
  const app = createPaketClient({
    credentials: { username: 'publisher_demo', password: 'test_sk_publisher_demo' },
  });
  const me = await app.participants.ensure(profile);
  const p = app.participants;
  if (p.putItem) await p.putItem(profile, item);
  if (p.trackPlayback) (await p.trackPlayback(profile, media, item)).stop();
  console.log(me);
}
