import { claimCopy } from './copies';

export type { PackageCopy } from './copies';

/**
 * The page's guard against two copies of the package `name` (see the Node build's `claimSingleCopy`): `root`
 * names this copy (a bundle has no folders, so each copy passes a name of its own), `version` its version.
 */
export function claimSingleCopy(name: string, root: string, version = '?'): void {
  claimCopy(name, { root, version });
}
