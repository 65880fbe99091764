import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One loaded copy of a package: its folder and version. */
export interface PackageCopy {
  readonly root: string;
  readonly version: string;
}

/** The version in `root`/package.json ('?' for a bundled copy, which has none beside it). */
function versionAt(root: string): string {
  try {
    return (
      (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version ??
      '?'
    );
  } catch {
    return '?';
  }
}

/**
 * Makes sure only one copy of the package `name` (whose folder is `root`) is loaded in the process. A
 * package's registries are module state: a second copy (a plug-in that depends on the package instead of
 * taking it as a peer, or two versions side by side) has its own, and what a plug-in registers into one is
 * silently missing from the other. So the second copy to load throws an error naming both folders. Loading
 * the same folder again (a cleared module cache) is allowed. The first copy is recorded in the global symbol
 * registry, which every copy of this module shares.
 */
export function claimSingleCopy(name: string, root: string, version: string = versionAt(root)): void {
  const key = Symbol.for(`${name}.loaded-from`);
  const store = globalThis as { [key: symbol]: PackageCopy | undefined };
  const first = store[key];
  if (first === undefined) {
    store[key] = { root, version };
    return;
  }
  if (first.root === root) return;
  throw new Error(
    `${name} is installed twice and both copies were loaded: ${first.root} (${first.version}, loaded first) ` +
      `and ${root} (${version}). Components registered into one copy are invisible to the other; ` +
      `install a single copy (plug-in packages should take ${name} as a peer dependency; then \`npm dedupe\`).`,
  );
}
