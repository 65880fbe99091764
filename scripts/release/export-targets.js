// The files a package's manifest points consumers at: `main`, `types`, every path in `exports` (each condition:
// node's CommonJS and ESM entries, the browser and bundler ES modules, their type declarations) and in
// `typesVersions`. A published tarball must hold each of them.

/** Every file path `manifest` names as an entry point, relative to the package (no leading `./`), sorted. */
function exportTargets(manifest) {
  const found = new Set();
  const add = (target) => {
    if (typeof target === 'string' && !target.includes('*')) found.add(target.replace(/^\.\//, ''));
  };
  const visit = (node) => {
    if (typeof node === 'string') add(node);
    else if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') Object.values(node).forEach(visit);
  };
  add(manifest.main);
  add(manifest.types);
  visit(manifest.exports);
  for (const paths of Object.values(manifest.typesVersions ?? {})) visit(paths);
  return [...found].sort();
}

module.exports = { exportTargets };
