// A Babel plugin for the SDK build: turns private class members (`#name`, used by ky) into
// ordinary properties named `__p_name`, which terser then shortens. Babel's own lowering of
// private members (WeakMaps or checked loose keys) costs about 1 KB gzip in ky for checks an
// SDK bundle does not need. Safe here: nothing in the bundle reflects over these objects.
export default function privateToPublic({ types: t }) {
  const key = (node) => t.identifier(`__p_${node.id.name}`);
  return {
    name: 'private-to-public',
    visitor: {
      ClassPrivateProperty(path) {
        const { node } = path;
        path.replaceWith(
          t.classProperty(key(node.key), node.value, null, null, false, node.static),
        );
      },
      ClassPrivateMethod(path) {
        const { node } = path;
        path.replaceWith(
          t.classMethod(
            node.kind,
            key(node.key),
            node.params,
            node.body,
            false,
            node.static,
            node.generator,
            node.async,
          ),
        );
      },
      PrivateName(path) {
        if (path.parentPath.isMemberExpression() || path.parentPath.isOptionalMemberExpression()) {
          path.replaceWith(key(path.node));
        } else if (path.parentPath.isBinaryExpression({ operator: 'in' })) {
          path.replaceWith(t.stringLiteral(`__p_${path.node.id.name}`));
        } else {
          throw path.buildCodeFrameError('unsupported use of a private name');
        }
      },
    },
  };
}
