/** The process-wide (or page-wide) record of which copy of a package loaded first; no file system. */

/** One loaded copy of a package: its folder (or, in a page, its build) and version. */
export interface PackageCopy {
  readonly root: string;
  readonly version: string;
}

/**
 * Records `copy` as the one copy of the package `name`, or throws when another copy was recorded first. The
 * first copy is kept in the global symbol registry, which every copy of this module shares.
 */
export function claimCopy(name: string, copy: PackageCopy): void {
  const key = Symbol.for(`${name}.loaded-from`);
  const store = globalThis as { [key: symbol]: PackageCopy | undefined };
  const first = store[key];
  if (first === undefined) {
    store[key] = copy;
    return;
  }
  if (first.root === copy.root) return;
  throw new Error(
    `${name} is installed twice and both copies were loaded: ${first.root} (${first.version}, loaded first) ` +
      `and ${copy.root} (${copy.version}). Components registered into one copy are invisible to the other; ` +
      `install a single copy (plug-in packages should take ${name} as a peer dependency; then \`npm dedupe\`).`,
  );
}
