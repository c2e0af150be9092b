// Stand-ins for the few newer built-ins the SDK and ky use, injected at build time in place
// of the globals (see vite.config.ts): old TV engines get them without the SDK changing any
// global the host app sees. `Object.entries` arrived in Chromium 54, `globalThis` in 71,
// `Object.fromEntries` in 73, `Object.hasOwn` in 93. This module must not name those globals
// itself (they would be replaced by itself), hence the indirect lookups.

declare const self: typeof globalThis | undefined;
declare const global: typeof globalThis | undefined;

const root: typeof globalThis =
  typeof self === 'object' && self
    ? self
    : typeof global === 'object' && global
      ? global
      : (Function('return this')() as typeof globalThis);

export default root;
