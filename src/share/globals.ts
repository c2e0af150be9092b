// Small local declarations of the platform APIs the adapters use, written from the
// platforms' reference pages (see docs/handoff.md); no maintained package has them
// (@types/tizen-common-web has no messageport module).

/** Tizen `MessagePortDataItem` (values are strings once they cross the port). */
export interface TizenDataItem {
  key: string;
  value: string | string[] | number[] | number[][];
}
export interface TizenRemotePort {
  readonly messagePortName: string;
  readonly appId: string;
  readonly isTrusted: boolean;
  sendMessage(data: TizenDataItem[], localMessagePort?: TizenLocalPort | null): void;
}
export interface TizenLocalPort {
  readonly messagePortName: string;
  readonly isTrusted: boolean;
  addMessagePortListener(
    listener: (data: TizenDataItem[], remote: TizenRemotePort | null) => void,
  ): number;
  removeMessagePortListener(watchId: number): void;
}
export interface TizenAppControlData {
  key: string;
  value: string[];
}
export interface TizenAppControl {
  operation: string;
  data: TizenAppControlData[];
}
export interface TizenRequestedAppControl {
  readonly appControl: TizenAppControl;
  readonly callerAppId: string;
  replyResult(data?: TizenAppControlData[]): void;
  replyFailure(): void;
}
export interface TizenGlobal {
  messageport?: {
    requestLocalMessagePort(name: string): TizenLocalPort;
    requestRemoteMessagePort(appId: string, name: string): TizenRemotePort;
  };
  application?: {
    launchAppControl(
      appControl: TizenAppControl,
      id?: string | null,
      onsuccess?: (() => void) | null,
      onerror?: ((e: { name: string; message: string }) => void) | null,
      reply?: { onsuccess?(data?: TizenAppControlData[]): void; onfailure?(): void } | null,
    ): void;
    getCurrentApplication(): { getRequestedAppControl(): TizenRequestedAppControl | null };
  };
  ApplicationControl?: new (
    operation: string,
    uri?: string | null,
    mime?: string | null,
    category?: string | null,
    data?: TizenAppControlData[] | null,
  ) => TizenAppControl;
  ApplicationControlData?: new (key: string, value: string[]) => TizenAppControlData;
}

/** The subset of webOSTV.js's `webOS.service.request` the adapter uses. */
export interface WebOSGlobal {
  service?: {
    request(
      uri: string,
      params: {
        method?: string;
        parameters?: object;
        onSuccess?(res: { returnValue?: boolean }): void;
        onFailure?(res: {
          returnValue?: boolean;
          errorCode?: number | string;
          errorText?: string;
        }): void;
      },
    ): unknown;
  };
}

/** The page's globals, looked up at call time (they are installed by the platform runtime). */
export interface ShareWindow {
  tizen?: TizenGlobal;
  webOS?: WebOSGlobal;
  webOSSystem?: { launchParams?: string };
  PalmSystem?: { launchParams?: string };
  PalmServiceBridge?: new () => {
    onservicecallback?: (json: string) => void;
    call(uri: string, json: string): void;
  };
  addEventListener?(type: string, listener: (e: unknown) => void): void;
  removeEventListener?(type: string, listener: (e: unknown) => void): void;
  document?: {
    addEventListener(type: string, listener: (e: unknown) => void): void;
    removeEventListener(type: string, listener: (e: unknown) => void): void;
  };
}

/** The global object, typed as a page that may carry a platform runtime. */
export const win = (): ShareWindow => globalThis as unknown as ShareWindow;

/** Runs `f` after `ms` unless `cancel` is called first. */
export function timer(ms: number, f: () => void): () => void {
  const id = setTimeout(f, ms);
  return () => clearTimeout(id);
}
