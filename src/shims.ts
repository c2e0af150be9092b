// The stand-in for `globalThis` (Chromium 71), injected at build time in place of the global
// (see vite.config.ts): old TV engines get it without the SDK changing any global the host
// app sees. The `Object` stand-ins ky needs are src/shims-object.ts, apart so that the
// start-up code does not carry them. This module must not name `globalThis` itself (it would
// be replaced by itself), hence the indirect lookup.

declare const self: typeof globalThis | undefined;
declare const global: typeof globalThis | undefined;

const root: typeof globalThis =
  typeof self === 'object' && self
    ? self
    : typeof global === 'object' && global
      ? global
      : (Function('return this')() as typeof globalThis);

export default root;
