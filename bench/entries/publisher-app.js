// Everything a publisher app uses, as its bundler sees it (one bundle, no splitting): the
// client with its Participant, item writes, the playback tracker and the hand-off sender.
import { createPaketClient } from '../../dist/paket-tv-sdk.js';
import { detectChannel, shareProfile } from '../../dist/share.js';

export async function publisherApp(profile, media, item) {
  const app = createPaketClient({
    credentials: { username: 'publisher_demo', password: 'test_sk_publisher_demo' },
  });
  const me = await app.participants.ensure(profile);
  await shareProfile(app, profile, detectChannel({ tizen: { platformAppId: 'x' }, webos: {} }));
  const p = app.participants;
  if (p.putItem) await p.putItem(profile, item);
  if (p.removeItem) await p.removeItem(profile, item.content_id);
  if (p.items) for await (const i of p.items(profile, { limit: 20 })) console.log(i);
  if (p.trackPlayback) (await p.trackPlayback(profile, media, item)).stop();
  console.log(me);
}
