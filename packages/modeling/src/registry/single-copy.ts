import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Where the first @ssd/modeling loaded in this process lives, shared by every copy through the global symbol registry. */
const LOADED_FROM = Symbol.for('@ssd/modeling.loaded-from');

/** The package folder and version of the @ssd/modeling this module belongs to (src/ and dist/ alike). */
function thisCopy(): { root: string; version: string } {
  const root = path.resolve(__dirname, '..', '..');
  let version = '?';
  try {
    version =
      (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version ??
      '?';
  } catch {
    // A bundled copy has no package.json beside it; its folder still tells the copies apart.
  }
  return { root, version };
}

/**
 * Makes sure only one @ssd/modeling is loaded in the process. The registries are module state: a second copy
 * (a plug-in that depends on @ssd/modeling instead of taking it as a peer, or two versions side by side) has
 * its own, and a backbone a plug-in registers into one would silently be missing from the other. So the
 * second copy to load throws an error naming both folders. `copy` is for tests.
 */
export function claimSingleCopy(copy: { root: string; version: string } = thisCopy()): void {
  const store = globalThis as { [LOADED_FROM]?: { root: string; version: string } };
  const first = store[LOADED_FROM];
  if (first === undefined) {
    store[LOADED_FROM] = copy;
    return;
  }
  if (first.root === copy.root) return;
  throw new Error(
    `@ssd/modeling is installed twice and both copies were loaded: ${first.root} (${first.version}, loaded first) ` +
      `and ${copy.root} (${copy.version}). Components registered into one copy are invisible to the other; ` +
      'install a single copy (plug-in packages should take @ssd/modeling as a peer dependency; then `npm dedupe`).',
  );
}
