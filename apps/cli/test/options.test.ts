import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { normalizeOptionSpelling } from '../src/option-spelling';
import { buildProgram } from '../src/program';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');

function ssd(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('ssd --version', () => {
  it("prints @ssd/cli's version", () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'apps/cli/package.json'), 'utf8'));
    const r = ssd('--version');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${version}\n`);
  });
});

describe('option spelling', () => {
  const normalize = (...argv: string[]) => normalizeOptionSpelling(buildProgram(), argv);

  it("rewrites an option of the command it is given to to the declared spelling, '-' or '_'", () => {
    expect(
      normalize('train', '--config_file', 'c', '--log-step', '3', '--save-step=5', '--eval_step', '7'),
    ).toEqual(['train', '--config-file', 'c', '--log_step', '3', '--save_step=5', '--eval_step', '7']);
    expect(normalize('demo', '--images-dir', 'd', '--output-dir', 'o', '--score-threshold', '0.5')).toEqual([
      'demo',
      '--images_dir',
      'd',
      '--output_dir',
      'o',
      '--score_threshold',
      '0.5',
    ]);
  });

  it("leaves option values, what follows '--', and other commands' options as typed", () => {
    // --require's value looks like an option and is not one; train has no --output_dir.
    expect(normalize('--require', '--log-step', 'train', '--output-dir', 'x', '--', '--log-step')).toEqual([
      '--require',
      '--log-step',
      'train',
      '--output-dir',
      'x',
      '--',
      '--log-step',
    ]);
    // --train_images belongs to quickstart, not to `dataset shapes`: commander reports what was typed.
    expect(normalize('dataset', 'shapes', 'out', '--train-images', '3')).toEqual([
      'dataset',
      'shapes',
      'out',
      '--train-images',
      '3',
    ]);
  });

  it('gives the kebab and snake forms the same meaning on the command line', () => {
    const vgg = path.join(ROOT, 'configs/vgg_ssd300_voc0712.yaml');
    const kebab = ssd('config', '--config-file', vgg, 'SOLVER.LR', '0.5');
    expect(kebab.code).toBe(0);
    expect(ssd('config', '--config_file', vgg, 'SOLVER.LR', '0.5').out).toBe(kebab.out);
    expect(ssd('config', `--config_file=${vgg}`, 'SOLVER.LR', '0.5').out).toBe(kebab.out);
    // The value reaches --log_step's own check, under its declared name.
    for (const flag of ['--log-step', '--log_step']) {
      const r = ssd('train', '--config-file', vgg, flag, 'abc');
      expect(r.code).not.toBe(0);
      expect(r.err).toContain("option '--log_step <n>' argument 'abc' is invalid");
    }
  });

  it('--help shows one form of each option', () => {
    const train = ssd('train', '--help').out;
    expect(train).toContain('--config-file <file>');
    expect(train).toContain('--log_step <n>');
    expect(train).not.toContain('--config_file');
    expect(train).not.toContain('--log-step');
    const test = ssd('test', '--help').out;
    expect(test).toContain('--output_dir <dir>');
    expect(test).not.toContain('--output-dir');
  });
});
