import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');

/** Runs the CLI from a folder outside the repository, where no configs/ folder is at hand. */
function ssdOutside(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const outside = () => mkdtempSync(path.join(tmpdir(), 'ssd-outside-'));

describe('the shipped configs, outside the repository', () => {
  it.each(['vgg_ssd300_voc0712', 'vgg_ssd300_voc0712.yaml'])(
    '--config-file %s loads the reference config',
    (name) => {
      const r = ssdOutside(outside(), ['config', '--config-file', name]);
      expect(r.code).toBe(0);
      expect(r.out).toBe(
        ssdOutside(ROOT, ['config', '--config-file', 'configs/vgg_ssd300_voc0712.yaml']).out,
      );
    },
  );

  it('a file of that name in the working directory wins', () => {
    const dir = outside();
    writeFileSync(path.join(dir, 'vgg_ssd300_voc0712.yaml'), 'OUTPUT_DIR: mine\n');
    const r = ssdOutside(dir, ['config', '--config-file', 'vgg_ssd300_voc0712.yaml']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('OUTPUT_DIR: mine');
  });

  it('an unknown name fails listing the shipped names', () => {
    const r = ssdOutside(outside(), ['train', '--config-file', 'vgg_ssd301_voc0712']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(
      'vgg_ssd301_voc0712: config file not found: no such file, nor a shipped config of that name; shipped: ',
    );
    expect(r.err).toContain('mobilenet_v3_ssd320_voc0712, quickstart_mobilenet_v2_ssdlite_shapes');
  });

  it('ssd train --config-file vgg_ssd300_voc0712 without VOC on disk says to set VOC_ROOT', () => {
    const dir = outside();
    const voc = path.join(dir, 'VOCdevkit');
    const r = ssdOutside(dir, ['train', '--config-file', 'vgg_ssd300_voc0712', 'MODEL.DEVICE', 'js'], {
      VOC_ROOT: voc,
    });
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(
      `data set 'voc_2007_trainval': ${path.join(voc, 'VOC2007')} does not exist (VOC_ROOT is '${voc}'); set VOC_ROOT`,
    );
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('ssd quickstart runs with the shipped quick-start config', () => {
    const dir = outside();
    const data = path.join(dir, 'shapes');
    expect(ssdOutside(dir, ['dataset', 'shapes', data, '--train', '4', '--test', '2']).code).toBe(0);
    const r = ssdOutside(dir, [
      'quickstart',
      '--data_dir',
      data,
      '--demo_images',
      '1',
      ...['SOLVER.MAX_ITER', '2', 'SOLVER.BATCH_SIZE', '2', 'TEST.BATCH_SIZE', '2'],
      ...['DATA_LOADER.NUM_WORKERS', '0', 'MODEL.DEVICE', 'wasm'],
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('[quickstart] training with quickstart_mobilenet_v2_ssdlite_shapes');
    // The config's own OUTPUT_DIR, under the working directory.
    const out = path.join(dir, 'outputs', 'quickstart_shapes');
    expect(existsSync(path.join(out, 'model_final.safetensors'))).toBe(true);
    expect(
      JSON.parse(readFileSync(path.join(out, 'inference', 'shapes_test', 'metrics.json'), 'utf8')),
    ).toHaveProperty('mAP');
    expect(JSON.parse(readFileSync(path.join(out, 'demo', 'results.json'), 'utf8'))).toHaveLength(1);
  });
});
