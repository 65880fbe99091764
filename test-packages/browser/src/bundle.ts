/**
 * Bundles a page with Vite, as a user of the README would: an index.html and its module in a folder of this
 * package (so the workspace's packages resolve as installed ones do), built into `dist/` there.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

/** Where pages are written and built (ignored by git). */
export const WORK_DIR = path.resolve(__dirname, '..', '.work');

/** One file of a built page: its path under `dist/`, bytes, and gzipped bytes for JavaScript. */
export interface BuiltFile {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes?: number;
}

/** A built page: its `dist/` folder and files. */
export interface BuiltPage {
  readonly dir: string;
  readonly files: readonly BuiltFile[];
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? listFiles(file, base) : [path.relative(base, file)];
  });
}

/**
 * Builds `files` (name → text: an index.html and what it loads) in `WORK_DIR/<name>/` with Vite's production
 * build; returns the output folder and its files (JavaScript with its gzipped size).
 */
export async function buildPage(name: string, files: Readonly<Record<string, string>>): Promise<BuiltPage> {
  const root = path.join(WORK_DIR, name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, file), text);
  const outDir = path.join(root, 'dist');
  await promisify(execFile)(process.execPath, [path.join(__dirname, 'vite-build.mjs'), root, outDir], {
    timeout: 120_000,
  });
  const built = listFiles(outDir).map((file) => {
    const bytes = statSync(path.join(outDir, file)).size;
    const gzipBytes = /\.m?js$/.test(file)
      ? gzipSync(readFileSync(path.join(outDir, file))).length
      : undefined;
    return { file, bytes, gzipBytes };
  });
  return { dir: outDir, files: built };
}
