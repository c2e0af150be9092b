// The syntax-lowering step shared by the SDK and demo builds: private class members become
// plain properties (scripts/babel-private-to-public.mjs), then Babel preset-env lowers the
// rest for the given Chromium version, with loose assumptions that keep the output small.
import { transformAsync } from '@babel/core';
import { minify } from 'terser';
import privateToPublic from './babel-private-to-public.mjs';

const ASSUMPTIONS = {
  setPublicClassFields: true,
  setClassMethods: true,
  setComputedProperties: true,
  skipForOfIteratorClosing: true,
  iterableIsArray: false,
  noDocumentAll: true,
  noClassCalls: true,
  ignoreFunctionLength: true,
  constantSuper: true,
  setSpreadProperties: true,
  objectRestNoSymbols: true,
  superIsCallableConstructor: true,
};

/**
 * `code` lowered for Chromium `chrome` ('63' for the modern builds, '38' for ES5). For ES5,
 * async functions become promise chains (babel-plugin-transform-async-to-promises) instead of
 * regenerator state machines: about 2 KB less gzip in the legacy bundle, and no runtime.
 */
export async function lower(code, chrome, filename, sourceType = 'module') {
  // Private members first, in a pass of their own: preset-env would lower whole classes
  // (private members included) before a plugin in the same pass reaches them.
  const compact = code.length > 400_000;
  const es5 = Number(chrome) < 55;
  const publicMembers = await transformAsync(code, {
    filename,
    compact,
    babelrc: false,
    configFile: false,
    sourceType,
    plugins: [privateToPublic],
  });
  const result = await transformAsync(publicMembers.code, {
    filename,
    compact,
    babelrc: false,
    configFile: false,
    sourceType,
    assumptions: ASSUMPTIONS,
    plugins: es5 ? [['babel-plugin-transform-async-to-promises', { inlineHelpers: false }]] : [],
    presets: [
      [
        '@babel/preset-env',
        {
          targets: { chrome },
          modules: false,
          bugfixes: true,
          exclude: es5 ? ['transform-async-to-generator', 'transform-regenerator'] : [],
        },
      ],
    ],
  });
  return result.code;
}

/** Minified with terser; `__p_` properties (ky's former private members) are shortened too. */
export async function shrink(code, { module = false, ecma = 5 } = {}) {
  const result = await minify(code, {
    module,
    ecma,
    compress: { passes: 2 },
    mangle: { properties: { regex: /^__p_/ } },
  });
  return result.code;
}
