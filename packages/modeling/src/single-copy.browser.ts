/** This copy's claim to be the one @ssd/modeling in the page (a bundle has no folders to tell copies apart). */
import { claimSingleCopy } from '@ssd/config';

/** A name for this copy of the module: two copies bundled into one page each evaluate it once. */
const COPY = `an ES module build of @ssd/modeling (copy ${Math.random().toString(36).slice(2, 10)})`;

/** Claims the page for this copy of the package. */
export function claimThisCopy(): void {
  claimSingleCopy('@ssd/modeling', COPY);
}
