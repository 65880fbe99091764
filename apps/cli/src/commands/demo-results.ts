/** `ssd demo`'s results.json entries (written by the single-process demo and its distributed coordinator). */
export { type ResultEntry, resultEntry } from '@ssd/engine';
