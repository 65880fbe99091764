import { readFileSync } from 'node:fs';
import path from 'node:path';
import { claimCopy } from './copies';

export type { PackageCopy } from './copies';

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
  claimCopy(name, { root, version });
}
