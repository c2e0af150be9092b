// Polyfills for the legacy bundle, each applied only where the engine lacks the feature, so
// nothing the host app already has is replaced.
import { fetch, Headers, Request, Response } from 'whatwg-fetch';
import root from './shims.js';

export function applyPolyfills(): void {
  const g = root as unknown as Record<string, unknown>;
  // fetch, Headers, Request and Response (Chromium < 42): whatwg-fetch, over XMLHttpRequest.
  if (typeof g.fetch !== 'function') {
    g.fetch = fetch;
    g.Headers = Headers;
    g.Request = Request;
    g.Response = Response;
  }
  // Promise.prototype.finally (Chromium < 63): ky calls it.
  if (typeof Promise === 'function' && typeof Promise.prototype.finally !== 'function') {
    Object.defineProperty(Promise.prototype, 'finally', {
      configurable: true,
      writable: true,
      value: function <T>(this: Promise<T>, onFinally?: (() => void) | null): Promise<T> {
        const run = (): Promise<void> =>
          Promise.resolve(typeof onFinally === 'function' ? onFinally() : undefined);
        return this.then(
          (value) => run().then(() => value),
          (reason: unknown) =>
            run().then(() => {
              throw reason;
            }),
        );
      },
    });
  }
}
