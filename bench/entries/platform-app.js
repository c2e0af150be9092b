// Everything a platform app uses, as its bundler sees it (one bundle, no splitting): the
// client with Sessions, links, lists and the hand-off receiver. Built from dist/.
import { createPaketClient } from '../../dist/paket-tv-sdk.js';
import { detectChannel, linkShares } from '../../dist/share.js';

export async function platformApp(profile) {
  const tv = createPaketClient({
    credentials: { username: 'platform_demo', password: 'test_sk_platform_demo' },
  });
  const session = await tv.sessions.ensure(profile);
  linkShares(tv, () => profile, detectChannel({ tizen: {}, webos: {} }), { senders: {} });
  for await (const item of tv.sessions.upNext(profile, { limit: 20 })) console.log(item);
  await tv.sessions.link(profile, { appId: 'a', participantId: 'b' });
  await tv.sessions.unlink(profile, 'b');
  console.log(session, await tv.sessions.linked(profile), await tv.flush());
}
