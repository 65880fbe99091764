// Two installed copies of @ssd/modeling must not split the registries silently: the built package is loaded
// from its own folder and from a copy of it, in a child process, and the copy must refuse to load.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PACKAGE = path.resolve(__dirname, '..');

function runNode(script: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

describe('one @ssd/modeling per process', () => {
  let copy: string;
  beforeAll(() => {
    copy = path.join(mkdtempSync(path.join(tmpdir(), 'ssd-modeling-copy-')), 'modeling');
    cpSync(path.join(PACKAGE, 'dist'), path.join(copy, 'dist'), { recursive: true });
    cpSync(path.join(PACKAGE, 'package.json'), path.join(copy, 'package.json'));
    // The copy resolves its own dependencies (tfjs-core, @ssd/boxes…) where the original does.
    symlinkSync(path.join(PACKAGE, 'node_modules'), path.join(copy, 'node_modules'));
  });
  afterAll(() => rmSync(path.dirname(copy), { recursive: true, force: true }));

  test('a second copy from another folder throws, naming both folders', () => {
    const r = runNode(`require(${JSON.stringify(PACKAGE)}); require(${JSON.stringify(copy)});`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`@ssd/modeling is installed twice and both copies were loaded: ${PACKAGE}`);
    expect(r.stderr).toContain(`and ${copy} (`);
  });

  test('the copy alone loads, and so does the same folder loaded again', () => {
    expect(runNode(`require(${JSON.stringify(copy)});`).status).toBe(0);
    const again = runNode(
      `require(${JSON.stringify(PACKAGE)});` +
        'for (const k of Object.keys(require.cache)) delete require.cache[k];' +
        `const m = require(${JSON.stringify(PACKAGE)}); if (!m.BACKBONES.has('vgg')) process.exit(3);`,
    );
    expect(again).toEqual({ status: 0, stderr: expect.any(String) });
  });
});
