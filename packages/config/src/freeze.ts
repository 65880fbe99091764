import { Document, isSeq, visit } from 'yaml';
import type { SSDConfig } from './schema';

/** Deep-freezes a config so that later mutation throws (as yacs's `freeze()`). */
export function freeze<T extends object>(cfg: T): Readonly<T> {
  for (const v of Object.values(cfg)) {
    if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) freeze(v);
  }
  return Object.freeze(cfg);
}

/** A deep, mutable copy of a (possibly frozen) config. */
export function cloneConfig(cfg: SSDConfig): SSDConfig {
  return structuredClone(cfg);
}

/** The config as YAML, in the reference's key layout. */
export function dumpConfig(cfg: SSDConfig): string {
  const doc = new Document(cfg);
  // Lists in flow style ([1, 2]) as the reference's files write them.
  visit(doc, {
    Seq(_, node) {
      if (isSeq(node)) node.flow = true;
    },
  });
  return doc.toString();
}
