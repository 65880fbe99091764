/** This copy's claim to be the one @ssd/modeling loaded (Node: by its folder; the browser's is single-copy.browser.ts). */
import path from 'node:path';
import { claimSingleCopy } from '@ssd/config';

/** Claims the process for this copy of the package (src/ and dist/ both sit one folder below its root). */
export function claimThisCopy(): void {
  claimSingleCopy('@ssd/modeling', path.resolve(__dirname, '..'));
}
