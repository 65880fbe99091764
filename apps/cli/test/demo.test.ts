import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VOC_CLASSES } from '@ssd/config';
import { DEMO_IMAGES_DIR as IMAGES, REFERENCE_DIR as REFERENCE } from '@ssd-test/kit';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'apps/cli/dist/bin.js');
const THRESHOLD = 0.9;

interface Entry {
  image: string;
  width: number;
  height: number;
  detections: { box: number[]; label: string; label_id: number; score: number }[];
}

describe('ssd demo', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'ssd-demo-'));
  let run: ReturnType<typeof spawnSync>;
  let results: Entry[];

  beforeAll(() => {
    run = spawnSync(
      process.execPath,
      [
        BIN,
        'demo',
        '--config-file',
        path.join(ROOT, 'configs/mobilenet_v2_ssd320_voc0712.yaml'),
        '--ckpt',
        path.join(REFERENCE, 'mobilenet_v2_ssd320_random.pth'),
        '--images_dir',
        IMAGES,
        '--output_dir',
        out,
        '--score_threshold',
        String(THRESHOLD),
        'MODEL.DEVICE',
        'wasm',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
  });

  it('annotates every image and prints the reference-style progress lines', () => {
    expect(run.status).toBe(0);
    const images = readdirSync(IMAGES)
      .filter((f) => f.endsWith('.jpg'))
      .sort();
    expect(images).toHaveLength(5);
    for (const f of images) expect(statSync(path.join(out, f)).size).toBeGreaterThan(1000);
    const lines = String(run.stdout)
      .split('\n')
      .filter((l) => /^\(\d{4}\/0005\)/.test(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      /^\(0001\/0005\) 000342\.jpg: objects \d{2,} \| load \d{3,}ms \| inference \d{3,}ms \| FPS \d+$/,
    );
  });

  it('writes results.json in original pixels, matching the reference model on 000342.jpg', () => {
    expect(results.map((r) => r.image)).toEqual(
      readdirSync(IMAGES)
        .filter((f) => f.endsWith('.jpg'))
        .sort(),
    );
    const fixture = JSON.parse(
      readFileSync(path.join(REFERENCE, 'mobilenet_v2_ssd320_forward.json'), 'utf8'),
    );
    const [h, w] = fixture.image_hw as [number, number];
    const det = fixture.detections_in_input_pixels;
    const expected = (det.scores as number[])
      .map((score, i) => ({
        score,
        label: det.labels[i] as number,
        box: (det.boxes_xyxy as number[]).slice(4 * i, 4 * i + 4),
      }))
      .filter((d) => d.score >= THRESHOLD);
    // The threshold must not split near-equal scores, or the comparison would hinge on rounding.
    expect((det.scores as number[]).every((s) => Math.abs(s - THRESHOLD) > 1e-3)).toBe(true);

    const entry = results.find((r) => r.image === fixture.demo_image)!;
    expect([entry.height, entry.width]).toEqual([h, w]);
    expect(entry.detections).toHaveLength(expected.length);
    entry.detections.forEach((d, i) => {
      const e = expected[i]!;
      expect(d.label_id).toBe(e.label);
      expect(d.label).toBe(VOC_CLASSES[e.label]);
      expect(d.score).toBeCloseTo(e.score, 4);
      const scale = [w / 320, h / 320, w / 320, h / 320];
      d.box.forEach((v, k) => {
        expect(Math.abs(v - e.box[k]! * scale[k]!)).toBeLessThan(0.1);
      });
    });
  });

  it('fails with a clear message for a missing images folder', () => {
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        'demo',
        '--config-file',
        path.join(ROOT, 'configs/mobilenet_v2_ssd320_voc0712.yaml'),
        '--ckpt',
        'x.pth',
        '--images_dir',
        path.join(out, 'nope'),
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('nope');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
