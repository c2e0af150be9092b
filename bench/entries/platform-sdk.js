// A platform app's use of the SDK without the hand-off entry (one bundle, no splitting).
import { createPaketClient } from '../../dist/paket-tv-sdk.js';

export async function platformApp(profile) {
  const tv = createPaketClient({
    credentials: { username: 'platform_demo', password: 'test_sk_platform_demo' },
  });
  const session = await tv.sessions.ensure(profile);
  for await (const item of tv.sessions.upNext(profile, { limit: 20 })) console.log(item);
  await tv.sessions.link(profile, { appId: 'a', participantId: 'b' });
  console.log(session, await tv.sessions.linked(profile), await tv.flush());
}
