/**
 * The README's `ssd serve` section as a user pastes it: its start command (on a free port instead of 8080, and
 * `node apps/cli/dist/bin.js` for `pnpm ssd`), then each of its curl blocks through bash against that server.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const HAS_CURL = spawnSync('curl', ['--version']).status === 0;

/** The README's `<!-- serve: NAME -->` code blocks. */
function serveBlocks(): Map<string, string> {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const blocks = new Map<string, string>();
  for (const [, name, body] of readme.matchAll(/<!-- serve: (\S+) -->\s*\n```bash\n([\s\S]*?)\n```/g)) {
    blocks.set(name!, body!);
  }
  return blocks;
}

(HAS_CURL ? describe : describe.skip)('the README’s ssd serve examples', () => {
  const blocks = serveBlocks();
  let child: ChildProcess;
  let base: string;

  /** Runs a README block with the server's address in place of 127.0.0.1:8080; its stdout. */
  function paste(name: string): string {
    const block = blocks.get(name);
    if (!block) throw new Error(`README.md has no <!-- serve: ${name} --> block`);
    const r = spawnSync('bash', ['-c', block.replaceAll('http://127.0.0.1:8080', base)], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return r.stdout;
  }

  beforeAll(async () => {
    const start = blocks.get('start')!;
    expect(start).toMatch(/^pnpm ssd serve /);
    const args = start
      .replace(/^pnpm ssd /, '')
      .trim()
      .split(/\s+/);
    child = spawn(process.execPath, [path.join(ROOT, 'apps/cli/dist/bin.js'), ...args, '--port', '0'], {
      cwd: ROOT,
    });
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
    });
    base = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const m = /Serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m && /Warmed up/.test(out)) {
          clearInterval(poll);
          resolve(m[1]!);
        }
      }, 20);
      child.on('exit', (code) => {
        clearInterval(poll);
        reject(new Error(`ssd serve exited with ${code}:\n${out}`));
      });
    });
  });

  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('detect: the photo’s objects at or above the threshold', () => {
    const answer = JSON.parse(paste('detect'));
    expect([answer.width, answer.height]).toEqual([500, 375]);
    expect(answer.objects.length).toBeGreaterThan(0);
    for (const o of answer.objects) {
      expect(o.score).toBeGreaterThanOrEqual(0.5);
      expect(Object.keys(o)).toEqual(['box', 'label', 'labelId', 'score']);
    }
    expect(Object.keys(answer.timings)).toEqual(['queueMs', 'inferenceMs']);
  });

  it('probes: alive, ready, the model, the batch-size histogram', () => {
    // curl adds no newline: the three JSON answers run together, then grep's lines.
    const out = paste('probes');
    expect(out).toMatch(/^\{"status":"ok"\}\{"status":"ready"\}\{"name":"mobilenet_v2_ssd320_voc0712",/);
    expect(out).toMatch(/^ssd_batch_size_count \d+$/m);
  });

  it('refusal: JSON naming what was wrong', () => {
    expect(JSON.parse(paste('refusal')).error.code).toBe('unsupported_media_type');
  });
});
