// Stand-ins for the newer Object functions ky uses, injected at build time in place
// of the globals (see vite.config.ts and src/shims.ts, kept apart so that the start-up code,
// which needs only the global object, does not carry them): `Object.entries` arrived in
// Chromium 54, `Object.fromEntries` in 73, `Object.hasOwn` in 93. This module must not name
// them itself (they would be replaced by itself), hence the indirect lookups.

const O = Object as unknown as {
  hasOwn?: (object: object, key: PropertyKey) => boolean;
  fromEntries?: typeof Object.fromEntries;
  entries?: typeof Object.entries;
};

export const hasOwn: (object: object, key: PropertyKey) => boolean =
  O.hasOwn ?? ((object, key) => Object.prototype.hasOwnProperty.call(object, key));

export const fromEntries: typeof Object.fromEntries =
  O.fromEntries ??
  (<T>(entries: Iterable<readonly [PropertyKey, T]>) => {
    const out: Record<PropertyKey, T> = {};
    for (const [key, value] of entries) out[key] = value;
    return out;
  });

export const entries: typeof Object.entries =
  O.entries ??
  (<T>(object: Record<string, T>): [string, T][] =>
    Object.keys(object).map((key): [string, T] => [key, object[key] as T]));
