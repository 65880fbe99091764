/**
 * The README's browser example: the code blocks marked `<!-- browser-example: NAME -->` on the line before their
 * fence, read from the repository's README so that the tests bundle exactly what it tells a user to write.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@ssd-test/kit';

const MARKED_BLOCK = /<!-- browser-example: (\S+) -->\s*\n```[a-z]*\n([\s\S]*?)\n```/g;

/** The README's marked browser-example blocks by name. */
export function readmeBrowserBlocks(): Map<string, string> {
  const blocks = new Map<string, string>();
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  for (const [, name, body] of readme.matchAll(MARKED_BLOCK)) blocks.set(name!, `${body}\n`);
  return blocks;
}

/** The README's browser example module (`main.js`). */
export function readmeExample(): string {
  const main = readmeBrowserBlocks().get('main.js');
  if (!main) throw new Error('README.md has no <!-- browser-example: main.js --> block');
  return main;
}

/** `text` with `from` replaced by `to`, where `from` occurs exactly once (else an error naming it). */
export function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) {
    throw new Error(`the README's example should contain ${JSON.stringify(from)} exactly once`);
  }
  return text.slice(0, at) + to + text.slice(at + from.length);
}
