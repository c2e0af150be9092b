// The "system" side of the platform fakes: one object per browser context that plays the
// Tizen message-port daemon and application manager, the webOS application manager and a
// Firebolt distributor. Pages reach it through the `__tv` binding; Playwright tells it
// which page called, and it names the sender from that (as D-Bus + aul do on Tizen),
// never from anything the page says.
import type { BrowserContext, Page } from 'playwright-core';
import { installFirebolt, installTizen, installWebos } from './pages';

export type Kind = 'tizen' | 'webos' | 'firebolt' | 'web';

interface App {
  appId: string;
  kind: Kind;
  url: string;
  privileges: string[];
  page?: Page;
}

interface Rpc {
  jsonrpc: '2.0';
  id: number;
  method: string;
  params?: Record<string, unknown>;
}

/** One cross-app call as the system saw it (the sender as the system named it). */
export interface SystemRecord {
  op: string;
  from: string;
  detail: unknown;
}

export class TvSystem {
  readonly log: SystemRecord[] = [];
  private apps: Record<string, App> = {};
  private ports = new Set<string>();
  private shareListener: { page: Page; layer: number; id: number } | undefined;
  private tickets: Record<number, { page: Page; layer: number; id: number }> = {};
  private ticket = 0;

  private constructor(readonly context: BrowserContext) {}

  static async create(context: BrowserContext): Promise<TvSystem> {
    const tv = new TvSystem(context);
    await context.exposeBinding('__tv', ({ page }, op: string, arg: unknown) =>
      tv.handle(page, op, arg),
    );
    return tv;
  }

  /** Declares an installed app; `open` starts it. */
  install(appId: string, kind: Kind, url: string, privileges: string[] = []): void {
    this.apps[appId] = { appId, kind, url, privileges };
  }

  /** Starts an installed app in a page of its own (webOS: with `launchParams`). */
  async open(appId: string, launchParams: string | null = null): Promise<Page> {
    const app = this.apps[appId];
    if (!app) throw new Error(`${appId} is not installed`);
    const page = await this.context.newPage();
    app.page = page;
    if (app.kind === 'tizen')
      await page.addInitScript(installTizen, { privileges: app.privileges });
    if (app.kind === 'webos') await page.addInitScript(installWebos, { params: launchParams });
    if (app.kind === 'firebolt') await page.addInitScript(installFirebolt);
    await page.goto(app.url);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    if (app.kind === 'tizen') await this.pushPorts();
    return page;
  }

  /** Closes an app's page (the app stops; its ports go away). */
  async close(appId: string): Promise<void> {
    const app = this.apps[appId];
    if (!app?.page) return;
    await app.page.close();
    delete app.page;
    for (const p of [...this.ports]) if (p.startsWith(`${appId}|`)) this.ports.delete(p);
    await this.pushPorts();
  }

  private appOf(page: Page): App {
    const app = Object.values(this.apps).find((a) => a.page === page);
    if (!app) throw new Error('a page that is no installed app called the system');
    return app;
  }

  private async pushPorts(): Promise<void> {
    const all = [...this.ports];
    for (const app of Object.values(this.apps)) {
      if (app.kind === 'tizen' && app.page && !app.page.isClosed()) {
        await app.page.evaluate(
          (p) => (window as never as { __tizen: { ports(a: string[]): void } }).__tizen.ports(p),
          all,
        );
      }
    }
  }

  private async handle(page: Page, op: string, arg: unknown): Promise<unknown> {
    const from = this.appOf(page).appId; // stamped by the system
    this.log.push({ op, from, detail: arg });
    const a = arg as Record<string, unknown>;
    switch (op) {
      case 'tizen.register':
        this.ports.add(`${from}|${String(arg)}`);
        await this.pushPorts();
        return null;
      case 'tizen.send': {
        const target = this.apps[a['appId'] as string]?.page;
        if (!target || !this.ports.has(`${String(a['appId'])}|${String(a['port'])}`)) return null;
        const remote = a['reply'] ? { appId: from, port: a['reply'] as string } : null;
        await target.evaluate(
          ([port, data, r]) =>
            (window as never as { __tizen: { deliver(...x: unknown[]): void } }).__tizen.deliver(
              port,
              data,
              r,
            ),
          [a['port'], a['data'], remote] as const,
        );
        return null;
      }
      case 'tizen.appcontrol': {
        const target = this.apps[a['id'] as string];
        if (!target) return { error: 'NotFoundError' };
        const page2 = target.page ?? (await this.open(target.appId));
        await page2.evaluate(
          (req) =>
            (window as never as { __tizen: { appcontrol(r: unknown): void } }).__tizen.appcontrol(
              req,
            ),
          {
            operation: a['operation'],
            data: a['data'],
            callerAppId: from,
            reply: a['reply'],
            from,
          },
        );
        return {};
      }
      case 'tizen.appcontrol.reply': {
        const to = this.apps[a['to'] as string]?.page;
        if (to)
          await to.evaluate(
            ([n, d]) =>
              (window as never as { __tizen: { replied(...x: unknown[]): void } }).__tizen.replied(
                n,
                d,
              ),
            [a['reply'], a['failure'] ? null : a['data']] as const,
          );
        return null;
      }
      case 'webos.call': {
        if (a['uri'] !== 'luna://com.webos.applicationManager/launch') {
          return { returnValue: false, errorCode: -1, errorText: 'Unknown method' };
        }
        const body = JSON.parse(a['json'] as string) as { id?: string; params?: unknown };
        const target = body.id ? this.apps[body.id] : undefined;
        if (!target)
          return { returnValue: false, errorCode: -101, errorText: `${body.id} is not installed` };
        const params = JSON.stringify(body.params ?? {});
        if (target.page && !target.page.isClosed()) {
          await target.page.evaluate(
            (p) =>
              (window as never as { __webos: { relaunch(p: string): void } }).__webos.relaunch(p),
            params,
          );
        } else {
          void this.open(target.appId, params); // a cold launch
        }
        return { returnValue: true }; // the caller is never reported, as on a TV
      }
      case 'firebolt.send':
        return this.firebolt(
          page,
          from,
          a['layer'] as number,
          JSON.parse(a['json'] as string) as Rpc,
        );
      default:
        throw new Error(`unknown system call ${op}`);
    }
  }

  private async rpcReply(page: Page, layer: number, message: object): Promise<void> {
    if (page.isClosed()) return;
    await page.evaluate(
      ([l, j]) =>
        (window as never as { __fireboltReceive(l: number, j: string): void }).__fireboltReceive(
          l,
          j,
        ),
      [layer, JSON.stringify(message)] as const,
    );
  }

  /** A distributor: Firebolt core methods used by the tests, and the Paket share methods. */
  private async firebolt(page: Page, from: string, layer: number, rpc: Rpc): Promise<null> {
    const answer = (result: unknown) =>
      this.rpcReply(page, layer, { jsonrpc: '2.0', id: rpc.id, result });
    const p = rpc.params ?? {};
    if (rpc.method === 'discovery.signIn' || rpc.method.startsWith('metrics.')) await answer(true);
    else if (rpc.method === 'paket.onShare') {
      this.shareListener = p['listen'] ? { page, layer, id: rpc.id } : undefined;
      await answer({ listening: p['listen'] === true, event: 'paket.onShare' });
    } else if (rpc.method === 'paket.share') {
      const l = this.shareListener;
      if (!l || l.page.isClosed()) {
        await this.rpcReply(page, layer, {
          jsonrpc: '2.0',
          id: rpc.id,
          error: { code: -50100, message: 'no platform app' },
        });
        return null;
      }
      const ticket = ++this.ticket;
      this.tickets[ticket] = { page, layer, id: rpc.id };
      await this.rpcReply(l.page, l.layer, {
        jsonrpc: '2.0',
        id: l.id,
        result: { wire: p['wire'], appId: from, ticket },
      });
    } else if (rpc.method === 'paket.shareReply') {
      const t = this.tickets[p['ticket'] as number];
      delete this.tickets[p['ticket'] as number];
      if (t) await this.rpcReply(t.page, t.layer, { jsonrpc: '2.0', id: t.id, result: p['wire'] });
      await answer(true);
    } else {
      await this.rpcReply(page, layer, {
        jsonrpc: '2.0',
        id: rpc.id,
        error: { code: -32601, message: 'Method not found' },
      });
    }
    return null;
  }
}
