// Page-side halves of the platform fakes, installed with `page.addInitScript` before any
// page script runs. Each is self-contained (Playwright serialises the function). They keep
// the synchronous parts of each API in the page (a port lookup that throws NotFoundError,
// the 16 KiB QuotaExceededError) and hand everything that crosses apps to the harness
// through the `__tv` binding, so the harness, never the page, names the sender.
/* eslint-disable @typescript-eslint/no-explicit-any */

type Tv = (op: string, arg: unknown) => Promise<unknown>;

/**
 * Tizen `tizen.messageport` and `tizen.application` (Application Control), from the
 * WebIDL and webapi-plugins behaviour: values become strings, a remote port that is not
 * registered throws NotFoundError, a message over 16 KiB throws QuotaExceededError, the
 * receiver's `remoteMessagePort` is null unless the sender attached its local port, and
 * launchAppControl without the application.launch privilege fails with SecurityError.
 */
export function installTizen(config: { privileges: string[] }): void {
  const w = window as any;
  const tv: Tv = (op, arg) => w.__tv(op, arg);
  const err = (name: string, message: string) => {
    const e = new Error(message);
    e.name = name;
    return e;
  };
  const remotePorts: Record<string, true> = {}; // "appId|port" known to the daemon, pushed by the harness
  const listeners: Record<string, Record<number, (d: any[], r: any) => void>> = {};
  let watch = 0;
  const toStrings = (data: any[]) => {
    if (!Array.isArray(data)) throw err('TypeMismatchError', 'data must be an array');
    let bytes = 0;
    const out = data.map((item) => {
      if (!item || typeof item.key !== 'string')
        throw err('InvalidValuesError', 'key must be a string');
      const value = Array.isArray(item.value) ? item.value.map(String) : String(item.value);
      bytes += new TextEncoder().encode(
        item.key + (Array.isArray(value) ? value.join('') : value),
      ).length;
      return { key: item.key, value };
    });
    if (bytes > 16 * 1024)
      throw err('QuotaExceededError', 'The size of message has exceeded the maximum limit.');
    return out;
  };
  function LocalMessagePort(this: any, name: string) {
    this.messagePortName = name;
    this.isTrusted = false;
  }
  LocalMessagePort.prototype.addMessagePortListener = function (cb: any) {
    (listeners[this.messagePortName] ||= {})[++watch] = cb;
    return watch;
  };
  LocalMessagePort.prototype.removeMessagePortListener = function (id: number) {
    delete (listeners[this.messagePortName] || {})[id];
  };
  function RemoteMessagePort(this: any, appId: string, name: string) {
    this.appId = appId;
    this.messagePortName = name;
    this.isTrusted = false;
  }
  RemoteMessagePort.prototype.sendMessage = function (data: any[], local?: any) {
    const items = toStrings(data);
    void tv('tizen.send', {
      appId: this.appId,
      port: this.messagePortName,
      data: items,
      reply: local ? local.messagePortName : null,
    });
  };
  let requested: any = null;
  const replies: Record<number, any> = {};
  let replyId = 0;
  w.tizen = {
    messageport: {
      requestLocalMessagePort(name: string) {
        void tv('tizen.register', name);
        return new (LocalMessagePort as any)(name);
      },
      requestRemoteMessagePort(appId: string, name: string) {
        if (!remotePorts[appId + '|' + name]) {
          throw err('NotFoundError', 'The port of the target application is not found');
        }
        return new (RemoteMessagePort as any)(appId, name);
      },
    },
    ApplicationControl: function (
      this: any,
      operation: string,
      uri?: any,
      mime?: any,
      category?: any,
      data?: any,
    ) {
      Object.assign(this, {
        operation,
        uri: uri ?? null,
        mime: mime ?? null,
        category: category ?? null,
        data: data ?? [],
      });
    },
    ApplicationControlData: function (this: any, key: string, value: string[]) {
      this.key = key;
      this.value = value;
    },
    application: {
      launchAppControl(control: any, id: string, onsuccess: any, onerror: any, reply: any) {
        if (config.privileges.indexOf('http://tizen.org/privilege/application.launch') < 0) {
          throw err(
            'SecurityError',
            'The application does not have the privilege to call this method.',
          );
        }
        const n = ++replyId;
        replies[n] = reply || {};
        tv('tizen.appcontrol', {
          id,
          operation: control.operation,
          data: (control.data || []).map((d: any) => ({ key: d.key, value: d.value.map(String) })),
          reply: n,
        }).then(
          (r: any) =>
            r && r.error ? onerror && onerror(err(r.error, r.error)) : onsuccess && onsuccess(),
          () => onerror && onerror(err('UnknownError', 'launch failed')),
        );
      },
      getCurrentApplication: () => ({ getRequestedAppControl: () => requested }),
    },
  };
  // Called by the harness.
  w.__tizen = {
    ports(all: string[]) {
      for (const k of Object.keys(remotePorts)) delete remotePorts[k];
      for (const k of all) remotePorts[k] = true;
    },
    deliver(port: string, data: any[], remote: { appId: string; port: string } | null) {
      const rp = remote ? new (RemoteMessagePort as any)(remote.appId, remote.port) : null;
      for (const cb of Object.values(listeners[port] || {})) cb(data, rp);
    },
    appcontrol(req: {
      operation: string;
      data: any[];
      callerAppId: string;
      reply: number;
      from: string;
    }) {
      requested = {
        appControl: { operation: req.operation, data: req.data },
        callerAppId: req.callerAppId,
        replyResult: (data?: any[]) =>
          void tv('tizen.appcontrol.reply', { to: req.from, reply: req.reply, data: data || [] }),
        replyFailure: () =>
          void tv('tizen.appcontrol.reply', { to: req.from, reply: req.reply, failure: true }),
      };
      window.dispatchEvent(new Event('appcontrol'));
    },
    replied(n: number, data: any[] | null) {
      const r = replies[n];
      delete replies[n];
      if (r && data && r.onsuccess) r.onsuccess(data);
      else if (r && !data && r.onfailure) r.onfailure();
    },
  };
}

/**
 * webOS: only `PalmServiceBridge` (`call(uri, json)`, `onservicecallback`, `cancel()`), as
 * webOSTV.js uses it; the real webOSTV.js runs on top. Launch parameters arrive as the
 * JSON string `webOSSystem.launchParams` / `PalmSystem.launchParams`; a relaunch updates
 * them and dispatches `webOSRelaunch` with the parameters in `detail`, as WAM does.
 */
export function installWebos(launch: { params: string | null }): void {
  const w = window as any;
  const tv: Tv = (op, arg) => w.__tv(op, arg);
  const params = launch.params ?? '{}';
  w.webOSSystem = { launchParams: params, identifier: '' };
  w.PalmSystem = { launchParams: params, identifier: '' };
  const calls: Record<number, any> = {};
  let n = 0;
  w.PalmServiceBridge = function (this: any) {
    this.onservicecallback = null;
  };
  w.PalmServiceBridge.prototype.call = function (uri: string, json: string) {
    const id = ++n;
    calls[id] = this;
    tv('webos.call', { uri, json }).then((answer: any) => {
      const bridge = calls[id];
      delete calls[id];
      if (bridge && bridge.onservicecallback) bridge.onservicecallback(JSON.stringify(answer));
    });
  };
  w.PalmServiceBridge.prototype.cancel = function () {
    for (const k of Object.keys(calls)) if (calls[k as any] === this) delete calls[k as any];
  };
  w.__webos = {
    relaunch(p: string) {
      w.webOSSystem.launchParams = p;
      w.PalmSystem.launchParams = p;
      document.dispatchEvent(new CustomEvent('webOSRelaunch', { detail: JSON.parse(p) }));
    },
  };
}

/** Firebolt: `__firebolt.getTransportLayer` and a factory of transport layers for the adapter. */
export function installFirebolt(): void {
  const w = window as any;
  const layers: Record<number, (json: string) => void> = {};
  let n = 0;
  const layer = () => {
    const id = ++n;
    return {
      send: (json: string) => void w.__tv('firebolt.send', { layer: id, json }),
      receive: (cb: (json: string) => void) => (layers[id] = cb),
    };
  };
  w.__firebolt = { getTransportLayer: layer };
  w.__fireboltLayer = layer;
  w.__fireboltReceive = (id: number, json: string) => layers[id] && layers[id](json);
}
