import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '@ssd/config';
import { REFERENCE_DIR as FIXTURES } from '@ssd-test/kit';
import { buildTargetTransform } from '../src';

const REPO = path.resolve(__dirname, '../../..');
const cfg = loadConfig(path.join(REPO, 'configs/vgg_ssd300_voc0712.yaml'));
const priors: { num_priors: number; priors_cxcywh: number[] } = JSON.parse(
  fs.readFileSync(path.join(FIXTURES, 'priors_vgg_ssd300_voc0712.json'), 'utf8'),
);
const P = priors.num_priors;

function iou(a: number[], b: number[]): number {
  const iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = iw * ih;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}

describe('buildTargetTransform', () => {
  const transform = buildTargetTransform(cfg);

  it('gives one location row and one label per prior', () => {
    const out = transform(Float32Array.from([0.1, 0.2, 0.5, 0.6]), Int32Array.from([3]));
    expect(P).toBe(8732);
    expect(out.locations).toBeInstanceOf(Float32Array);
    expect(out.labels).toBeInstanceOf(Int32Array);
    expect(out.locations.length).toBe(P * 4);
    expect(out.labels.length).toBe(P);
  });

  it('makes a box equal to a prior positive there with near-zero encoding', () => {
    const k = 5000;
    const [cx, cy, w, h] = priors.priors_cxcywh.slice(4 * k, 4 * k + 4);
    const box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
    const out = transform(Float32Array.from(box), Int32Array.from([9]));
    expect(out.labels[k]).toBe(9);
    for (const v of out.locations.subarray(4 * k, 4 * k + 4)) expect(Math.abs(v)).toBeLessThan(1e-4);
    // Every other positive overlaps the box by at least MODEL.THRESHOLD; every negative by less.
    for (let p = 0; p < P; p++) {
      if (p === k) continue;
      const [pcx, pcy, pw, ph] = priors.priors_cxcywh.slice(4 * p, 4 * p + 4);
      const overlap = iou(box, [pcx - pw / 2, pcy - ph / 2, pcx + pw / 2, pcy + ph / 2]);
      if (Math.abs(overlap - cfg.MODEL.THRESHOLD) < 1e-5) continue;
      expect(out.labels[p]).toBe(overlap >= cfg.MODEL.THRESHOLD ? 9 : 0);
    }
  });

  it('makes every prior background when there is no ground truth', () => {
    const out = transform(new Float32Array(0), new Int32Array(0));
    expect(out.labels.every((l) => l === 0)).toBe(true);
  });

  it("reproduces the reference's matching and encoding", () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'box_coding_vgg_ssd300.json'), 'utf8'));
    for (const c of fixture.matching_cases) {
      const out = transform(Float32Array.from(c.gt_boxes_xyxy.flat()), Int32Array.from(c.gt_labels));
      expect(Array.from(out.labels)).toEqual(c.prior_labels);
      const positives = Array.from(out.labels.keys()).filter((p) => out.labels[p] > 0);
      expect(positives).toEqual(c.positive_indices);
      // Targets reach ~5 after dividing by the variances, which scales float32 rounding up to ~1e-5.
      positives.forEach((p, j) => {
        for (let d = 0; d < 4; d++) {
          expect(Math.abs(out.locations[4 * p + d] - c.locations_at_positives[4 * j + d])).toBeLessThan(1e-4);
        }
      });
    }
  });
});
