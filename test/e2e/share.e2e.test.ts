// The hand-off end to end in headless Chromium: one page per app, each app on its own
// origin, the platform fakes' system side in the harness (test/helpers/platforms), the
// emulator as the service. The publisher page shares, the platform page links.
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TvSystem, type Kind } from '../helpers/platforms/tv';
import { launch, newProfileDir, serveStatic, startEmulatorForBrowser } from './harness';
import type { Emulator } from '../../emulator/server.js';

const APP = 'fe4a9ed381e8e376'; // publisher_demo's client_id = the app_id it shares
const PLATFORM_APP = 'Pl12345678.PaketHome';
const PUBLISHER_APP = 'Ab12345678.Stream';
const EVIL_APP = 'Ev12345678.Evil';
const ROOTS = ['dist', 'test/e2e/pages', 'node_modules/webostvjs', 'node_modules/@firebolt-js/sdk'];

type Web = Awaited<ReturnType<typeof serveStatic>>;
const env = {} as { emu: Emulator; a: Web; b: Web; c: Web };
beforeAll(async () => {
  env.emu = await startEmulatorForBrowser();
  [env.a, env.b, env.c] = await Promise.all([
    serveStatic(ROOTS),
    serveStatic(ROOTS),
    serveStatic(ROOTS),
  ]);
});
afterAll(async () => {
  await Promise.all([env.a?.close(), env.b?.close(), env.c?.close()]);
  await env.emu?.close();
});

let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
  env.emu.clearFaults();
  env.emu.reset();
});

type W = {
  startPlatform(o: object): boolean;
  publish(o: object): Promise<Record<string, unknown>>;
  sendRaw(wire: string, o: object): Promise<Record<string, unknown>>;
  sendNative(
    wire: string,
    platformAppId: string,
    noReplyPort?: boolean,
  ): Promise<Record<string, unknown>>;
  participant(profile: string, baseUrl?: string): Promise<string>;
  shareLog: Record<string, unknown>[];
  client: { flush(): Promise<unknown> };
  firebolt(): Promise<unknown>;
};
const on = <T>(page: Page, f: (win: W, a: never) => T, arg?: unknown): Promise<Awaited<T>> =>
  page.evaluate(([src, a]) => new Function('w', 'a', `return (${src})(w, a)`)(window, a), [
    f.toString(),
    arg,
  ] as const) as never;

const puts = () => env.emu.log.filter((e) => e.route === 'PUT /v1/upnext/sessions/:session_id');
const links = () => Object.values(env.emu.state().links).flat();
const log = (page: Page) => on(page, (win) => win.shareLog);

/** Options each side passes to its adapter. */
const opts: Record<Exclude<Kind, 'web'>, { publisher: object; platform: object }> = {
  tizen: { publisher: { platformAppId: PLATFORM_APP }, platform: {} },
  webos: { publisher: { platformAppId: PLATFORM_APP }, platform: {} },
  firebolt: { publisher: {}, platform: {} },
};

/** Installs and starts the platform app, then the publisher app, on their own origins. */
async function pair(kind: Exclude<Kind, 'web'>) {
  context = await launch(newProfileDir());
  const tv = await TvSystem.create(context);
  // The shared static server has no type for .mjs (the Firebolt SDK's files): serve them as JS.
  await context.route('**/*.mjs', (route) =>
    route.fulfill({
      path: new URL(`../..${new URL(route.request().url()).pathname}`, import.meta.url).pathname,
      contentType: 'text/javascript',
    }),
  );
  tv.install(PLATFORM_APP, kind, `${env.a.origin}/test/e2e/pages/share.html?kind=${kind}`);
  tv.install(PUBLISHER_APP, kind, `${env.b.origin}/test/e2e/pages/share.html?kind=${kind}`);
  tv.install(EVIL_APP, kind, `${env.c.origin}/test/e2e/pages/share.html?kind=${kind}`);
  const startPlatform = async (page: Page) =>
    on(page, (win, a: object) => win.startPlatform(a), {
      baseUrl: env.emu.url,
      profile: 'default',
      senders: { [PUBLISHER_APP]: APP },
      options: opts[kind].platform,
    });
  // webOS delivers by launching: the platform app may start from the publisher's launch.
  let platform: Page | undefined;
  if (kind !== 'webos') {
    platform = await tv.open(PLATFORM_APP);
    await startPlatform(platform);
  }
  const publisher = await tv.open(PUBLISHER_APP);
  const publish = () =>
    on(publisher, (win, a: object) => win.publish(a), {
      baseUrl: env.emu.url,
      profile: 'p1',
      options: opts[kind].publisher,
    });
  return { tv, publisher, platform, publish, startPlatform };
}

describe.each(['tizen', 'firebolt'] as const)('%s: shares with an acknowledgement', (kind) => {
  it('the publisher shares, the platform links, the emulator shows the link once (and again after a second start)', async () => {
    const { publisher, platform, publish } = await pair(kind);
    expect(await publish()).toEqual({ acked: true, status: 'linked' });
    expect(await publish()).toEqual({ acked: true, status: 'linked' }); // the next start shares again
    const pid = await on(publisher, (win) => win.participant('p1'));
    expect(links()).toEqual([expect.objectContaining({ app_id: APP, participant_id: pid })]);
    const from = (await log(platform!))[0]!['from'];
    expect(from).toEqual({ platform: kind, id: PUBLISHER_APP, attested: true }); // named by the system
  });

  it('offline platform: queued, then delivered once the service is back', async () => {
    const { platform, publisher, publish } = await pair(kind);
    await on(publisher, (win, url: string) => win.participant('p1', url), env.emu.url); // the app's start
    env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
    expect(await publish()).toEqual({ acked: true, status: 'queued' });
    expect(links()).toEqual([]);
    env.emu.clearFaults();
    await on(platform!, (win) => win.client.flush());
    await vi.waitFor(() => expect(links()).toHaveLength(1));
  });

  it('no platform listening: unavailable', async () => {
    const { tv, publish } = await pair(kind);
    await tv.close(PLATFORM_APP);
    expect(await publish()).toMatchObject({
      error: { name: 'PaketShareError', reason: 'unavailable' },
    });
  });
});

describe('tizen: a message without a reply port', () => {
  it('reaches the platform with remoteMessagePort null: unattested, refused by default, no request', async () => {
    const { tv, publisher, platform } = await pair('tizen');
    const evil = await tv.open(EVIL_APP);
    const pid = await on(publisher, (win, url: string) => win.participant('p1', url), env.emu.url);
    const before = puts().length;
    await on(evil, (win, a: string[]) => win.sendNative(a[0]!, a[1]!, true), [
      msg({}, pid),
      PLATFORM_APP,
    ]);
    await vi.waitFor(async () =>
      expect(await log(platform!)).toEqual([
        expect.objectContaining({
          status: 'rejected',
          reason: 'refused',
          detail: 'sender',
          from: { platform: 'tizen', id: null, attested: false },
        }),
      ]),
    );
    expect(puts().length).toBe(before);
  });
});

describe('firebolt: contract over the distributor transport, next to the real @firebolt-js/sdk', () => {
  it('the real SDK and the adapter share one JSON-RPC transport; calls match the OpenRPC document and the adapter contract', async () => {
    const { tv, publisher, publish } = await pair('firebolt');
    expect(await on(publisher, (win) => win.firebolt())).toBe(true); // real Discovery.signIn()
    expect(await publish()).toEqual({ acked: true, status: 'linked' });
    const rpc = tv.log
      .filter((r) => r.op === 'firebolt.send')
      .map((r) => ({
        from: r.from,
        ...(JSON.parse((r.detail as { json: string }).json) as object),
      })) as {
      from: string;
      jsonrpc: string;
      method: string;
      params: Record<string, unknown>;
    }[];
    const signIn = rpc.find((m) => m.method === 'discovery.signIn')!;
    expect(signIn).toMatchObject({ from: PUBLISHER_APP, jsonrpc: '2.0' });
    // The method and its parameters as the Firebolt 1.7.0 OpenRPC document declares them.
    const doc = JSON.parse(
      readFileSync(
        new URL(
          '../../node_modules/@firebolt-js/sdk/dist/firebolt-core-open-rpc.json',
          import.meta.url,
        ),
        'utf8',
      ),
    ) as { methods: { name: string; params: { name: string }[] }[] };
    const spec = doc.methods.find((m) => m.name.toLowerCase() === 'discovery.signin')!;
    for (const k of Object.keys(signIn.params)) expect(spec.params.map((p) => p.name)).toContain(k);
    // The adapter's contract: listen, share (from the publisher), reply (from the platform).
    expect(rpc.find((m) => m.method === 'paket.onShare')).toMatchObject({
      from: PLATFORM_APP,
      params: { listen: true },
    });
    expect(rpc.find((m) => m.method === 'paket.share')).toMatchObject({
      from: PUBLISHER_APP,
      params: { wire: expect.stringContaining('"t":"paket.share"') },
    });
    expect(rpc.find((m) => m.method === 'paket.shareReply')).toMatchObject({
      from: PLATFORM_APP,
      params: { ticket: 1, wire: expect.stringContaining('"status":"linked"') },
    });
  });
});

/** A valid v1 message, with overrides. */
const msg = (o: Record<string, unknown>, pid: string) =>
  JSON.stringify({
    t: 'paket.share',
    v: 1,
    app_id: APP,
    participant_id: pid,
    nonce: `${Math.random()}`.slice(2).padEnd(22, 'x'),
    ts: Date.now(),
    ...o,
  });

describe.each(['tizen', 'firebolt', 'webos'] as const)(
  '%s: hostile input is refused before any request',
  (kind) => {
    it('malformed, oversized, replayed, stale, unknown version, spoofed sender, wrong app_id', async () => {
      const { tv, publisher, platform: p0, startPlatform } = await pair(kind);
      let platform = p0;
      if (kind === 'webos') {
        platform = await tv.open(PLATFORM_APP);
        await startPlatform(platform);
      }
      const evil = await tv.open(EVIL_APP);
      const pid = await on(
        publisher,
        (win, url: string) => win.participant('p1', url),
        env.emu.url,
      );
      const raw = (page: Page, wire: string) =>
        on(page, (win, a: [string, object]) => win.sendRaw(a[0], a[1]), [
          wire,
          opts[kind].publisher,
        ]);
      const replay = msg({}, pid);
      const sent: [string, Page, string][] = [
        ['malformed', publisher, '{"t":"paket.share","v":1,'],
        ['oversized', publisher, msg({ pad: 'x'.repeat(17_000) }, pid)],
        ['stale', publisher, msg({ ts: Date.now() - 3_600_000 }, pid)],
        ['unknown version', publisher, msg({ v: 2 }, pid)],
        ['spoofed sender', evil, msg({}, pid)],
        ['wrong app_id', publisher, msg({ app_id: 'ffffffffffffffff' }, pid)],
        ['replay #1', publisher, replay],
        ['replay #2', publisher, replay],
      ];
      const before = puts().length;
      const answers: Record<string, unknown> = {};
      for (const [name, page, wire] of sent) {
        answers[name] =
          name === 'oversized' // a hostile app would not use the SDK, whose adapters refuse it first
            ? await on(page, (win, a: string[]) => win.sendNative(a[0]!, a[1]!), [
                wire,
                PLATFORM_APP,
              ])
            : await raw(page, wire);
      }
      await new Promise((r) => setTimeout(r, 300));
      // The oversized message: Tizen's port refuses it at the sender (QuotaExceededError).
      if (kind === 'tizen')
        expect(answers['oversized']).toMatchObject({ error: { name: 'QuotaExceededError' } });
      const expected = [
        ['rejected', 'invalid', 'malformed'],
        ...(kind === 'tizen' ? [] : [['rejected', 'too-large', 'size']]),
        ['rejected', 'refused', 'stale'],
        ['rejected', 'invalid', 'version'],
        // webOS names no sender: a valid message with a known app_id is accepted by policy.
        kind === 'webos' ? ['linked', undefined, undefined] : ['rejected', 'refused', 'sender'],
        ['rejected', 'refused', 'app_id'],
        ['linked', undefined, undefined],
        ['rejected', 'refused', 'replay'],
      ];
      // Refusals are synchronous, links resolve later: compare without order.
      const seen = async () =>
        (await log(platform!))
          .map((e) => JSON.stringify([e['status'], e['reason'], e['detail']]))
          .sort();
      const want = expected.map((e) => JSON.stringify(e)).sort();
      await vi
        .waitFor(async () => expect(await seen()).toEqual(want))
        .catch(async () => {
          expect(await seen()).toEqual(want);
        });
      // Only accepted shares reached the service (webOS's two links of one participant may
      // coalesce into one PUT when the second is queued before the first went out).
      const sentPuts = puts().length - before;
      expect(sentPuts).toBeGreaterThanOrEqual(1);
      expect(sentPuts).toBeLessThanOrEqual(kind === 'webos' ? 2 : 1);
      expect(links()).toHaveLength(1);
      for (const e of await log(platform!)) expect(String(e['message'] ?? '')).not.toContain(pid);
    });
  },
);

describe('webos: launch parameters, then webOSRelaunch (real webOSTV.js over the fake PalmServiceBridge)', () => {
  it('a cold launch carries the first share, a relaunch the next; no ack, links once; offline queued then delivered', async () => {
    const { tv, publisher, publish, startPlatform } = await pair('webos');
    expect(await publish()).toEqual({ acked: false }); // delivered to the application manager
    // The platform app was started by the launch; it reads its launch parameters at start.
    const platform = await vi.waitFor(() => {
      const p = tv.context.pages().find((pg) => pg.url().startsWith(env.a.origin));
      if (!p) throw new Error('not launched');
      return p;
    });
    await platform.waitForFunction(() => (window as never as { ready?: boolean }).ready === true);
    await startPlatform(platform);
    await vi.waitFor(async () => expect(await log(platform)).toHaveLength(1));
    expect((await log(platform))[0]).toMatchObject({
      status: 'linked',
      from: { platform: 'webos', id: null, attested: false },
    });

    env.emu.injectFaults('*', [{ drop: 'before' }], { repeat: true });
    expect(await publish()).toEqual({ acked: false }); // a relaunch: webOSRelaunch
    await vi.waitFor(async () =>
      expect((await log(platform))[1]).toMatchObject({ status: 'queued' }),
    );
    env.emu.clearFaults();
    await on(platform, (win) => win.client.flush());
    const pid = await on(publisher, (win) => win.participant('p1'));
    expect(links()).toEqual([expect.objectContaining({ app_id: APP, participant_id: pid })]);
    // The caller is never reported by the application manager.
    expect(tv.log.filter((r) => r.op === 'webos.call').every((r) => r.from === PUBLISHER_APP)).toBe(
      true,
    );
  });

  it('launching an app that is not installed: unavailable', async () => {
    const { publisher } = await pair('webos');
    const r = await on(publisher, (win, a: object) => win.publish(a), {
      baseUrl: env.emu.url,
      profile: 'p1',
      options: { platformAppId: 'com.example.missing' },
    });
    expect(r).toMatchObject({ error: { reason: 'unavailable', detail: 'error--101' } });
  });
});

describe('tizen: Application Control fallback (opt-in)', () => {
  it('the port is missing: launches the platform by app control; callerAppId names the sender; reply carries the ack', async () => {
    context = await launch(newProfileDir());
    const tv = await TvSystem.create(context);
    const url = (o: Web) => `${o.origin}/test/e2e/pages/share.html?kind=tizen`;
    tv.install(PLATFORM_APP, 'tizen', url(env.a));
    tv.install(PUBLISHER_APP, 'tizen', url(env.b), [
      'http://tizen.org/privilege/application.launch',
    ]);
    const platform = await tv.open(PLATFORM_APP);
    // The platform listens to app control only (its message port is not registered).
    await on(platform, (win, a: object) => win.startPlatform(a), {
      baseUrl: env.emu.url,
      profile: 'default',
      senders: { [PUBLISHER_APP]: APP },
      options: { appControl: true, port: 'not.this.one' },
    });
    const publisher = await tv.open(PUBLISHER_APP);
    const r = await on(publisher, (win, a: object) => win.publish(a), {
      baseUrl: env.emu.url,
      profile: 'p1',
      options: { platformAppId: PLATFORM_APP, appControl: true },
    });
    expect(r).toEqual({ acked: true, status: 'linked' });
    expect((await log(platform))[0]).toMatchObject({
      from: { platform: 'tizen', id: PUBLISHER_APP, attested: true },
    });
    expect(links()).toHaveLength(1);
  });

  it('without the application.launch privilege: unavailable (SecurityError), nothing sent', async () => {
    const { publisher } = await pair('tizen');
    const r = await on(publisher, (win, a: object) => win.publish(a), {
      baseUrl: env.emu.url,
      profile: 'p1',
      options: { platformAppId: 'Zz00000000.Absent', appControl: true },
    });
    expect(r).toMatchObject({
      error: { name: 'PaketShareError', reason: 'unavailable', detail: 'SecurityError' },
    });
    expect(links()).toEqual([]);
  });
});

describe('web: URL fragment to launch, then postMessage with exact origins', () => {
  it('launch by fragment (unattested, allowed by app_id), then postMessage (origin attested); a foreign origin is refused', async () => {
    context = await launch(newProfileDir());
    const publisher = await context.newPage();
    await publisher.goto(`${env.b.origin}/test/e2e/pages/share.html?kind=web`);
    await publisher.waitForFunction(() => (window as never as { ready?: boolean }).ready === true);
    const platformUrl = `${env.a.origin}/test/e2e/pages/share.html?kind=web`;
    const popup = context.waitForEvent('page');
    await on(publisher, (win, url: string) => win.participant('p1', url), env.emu.url);
    const first = await on(publisher, (win, a: object) => win.publish(a), {
      baseUrl: env.emu.url,
      profile: 'p1',
      options: { platformOrigin: env.a.origin, launchUrl: platformUrl },
    });
    expect(first).toEqual({ acked: false });
    const platform = await popup;
    await platform.waitForFunction(() => (window as never as { ready?: boolean }).ready === true);
    await on(platform, (win, a: object) => win.startPlatform(a), {
      baseUrl: env.emu.url,
      profile: 'default',
      senders: { [env.b.origin]: APP },
      options: {},
    });
    await vi.waitFor(async () =>
      expect((await log(platform))[0]).toMatchObject({
        status: 'linked',
        from: { attested: false },
      }),
    );
    // The next share goes by postMessage to the window the launch opened: origin attested.
    expect(
      await on(publisher, (win, a: object) => win.publish(a), { profile: 'p1', options: {} }),
    ).toEqual({
      acked: true,
      status: 'linked',
    });
    expect((await log(platform))[1]).toMatchObject({
      from: { platform: 'web', id: env.b.origin, attested: true },
    });
    expect(links()).toEqual([
      expect.objectContaining({
        participant_id: await on(publisher, (win) => win.participant('p1')),
      }),
    ]);

    // A frame from a third origin inside the platform page posts a valid-looking share.
    const before = puts().length;
    await platform.evaluate((src) => {
      const f = document.createElement('iframe');
      f.src = src;
      document.body.appendChild(f);
    }, `${env.c.origin}/test/e2e/pages/share.html?kind=web`);
    const frame = await vi.waitFor(() => {
      const f = platform.frames().find((fr) => fr.url().startsWith(env.c.origin));
      if (!f) throw new Error('no frame');
      return f;
    });
    await frame.waitForFunction(() => (window as never as { ready?: boolean }).ready === true);
    const pid = await on(publisher, (win) => win.participant('p1'));
    const answer = await frame.evaluate(
      ([wire, origin]) => {
        const win = window as never as {
          platformWindow: Window;
          sendRaw(w: string, o: object): Promise<unknown>;
        };
        win.platformWindow = window.parent;
        return win.sendRaw(wire!, { platformOrigin: origin });
      },
      [msg({}, pid), env.a.origin] as const,
    );
    expect(answer).toMatchObject({ ack: expect.stringContaining('"refused"') });
    expect((await log(platform))[2]).toMatchObject({
      status: 'rejected',
      reason: 'refused',
      detail: 'sender',
    });
    expect(puts().length).toBe(before);
  });
});
