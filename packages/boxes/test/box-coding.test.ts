import {
  buildPriors,
  centerFormToCornerForm,
  cornerFormToCenterForm,
  decodeLocations,
  encodeLocations,
  matchAndEncode,
} from '../src';
import { maxAbsDiff, PRIOR_CONFIGS, readFixture } from './fixtures';

interface MatchingCase {
  gt_boxes_xyxy: number[];
  gt_labels: number[];
  prior_labels: number[];
  positive_indices: number[];
  locations_at_positives: number[];
}

interface BoxCodingFixture {
  iou_threshold: number;
  center_variance: number;
  size_variance: number;
  matching_cases: MatchingCase[];
  decode: { prior_indices: number[]; locations: number[]; boxes_cxcywh: number[] };
}

const fixture = readFixture<BoxCodingFixture>('box_coding_vgg_ssd300.json');
const priors = buildPriors(PRIOR_CONFIGS.vgg_ssd300_voc0712);
const targetCfg = {
  MODEL: { THRESHOLD: fixture.iou_threshold, CENTER_VARIANCE: 0.1, SIZE_VARIANCE: 0.2 },
};

function rowsAt(flat: Float32Array, indices: number[]): Float32Array {
  const out = new Float32Array(indices.length * 4);
  indices.forEach((p, k) => {
    out.set(flat.subarray(4 * p, 4 * p + 4), 4 * k);
  });
  return out;
}

describe('center/corner conversions', () => {
  it('convert by hand-computed values and round-trip', () => {
    const center = Float32Array.from([0.5, 0.5, 0.2, 0.4, 0.1, 0.9, 0.2, 0.2]);
    const corner = centerFormToCornerForm(center);
    expect(maxAbsDiff(corner, [0.4, 0.3, 0.6, 0.7, 0, 0.8, 0.2, 1])).toBeLessThan(1e-7);
    expect(maxAbsDiff(cornerFormToCenterForm(corner), center)).toBeLessThan(1e-7);
  });

  it('rejects arrays that are not rows of 4', () => {
    expect(() => centerFormToCornerForm(new Float32Array(5))).toThrow(/centerFormToCornerForm boxes/);
  });
});

describe('matchAndEncode (SSDTargetTransform)', () => {
  it.each(fixture.matching_cases.map((c, i) => [i, c] as const))(
    'reproduces the reference labels, positives and encoded locations (case %i)',
    (_, c) => {
      const { locations, labels } = matchAndEncode(
        Float32Array.from(c.gt_boxes_xyxy),
        Int32Array.from(c.gt_labels),
        priors,
        targetCfg,
      );
      expect(Array.from(labels)).toEqual(c.prior_labels);
      const positives = Array.from(labels.keys()).filter((p) => labels[p] > 0);
      expect(positives).toEqual(c.positive_indices);
      // The fixture's ground truth is rounded to 6 decimals; encoding divides that by prior size × variance
      // (down to 0.007), so rounding alone moves locations by up to ~7e-5.
      expect(maxAbsDiff(rowsAt(locations, positives), c.locations_at_positives)).toBeLessThan(1e-4);
    },
  );

  it('makes every prior background with zero locations when there is no ground truth', () => {
    const { locations, labels } = matchAndEncode(new Float32Array(0), new Int32Array(0), priors, targetCfg);
    expect(labels.length).toBe(priors.length / 4);
    expect(labels.every((l) => l === 0)).toBe(true);
    expect(locations.every((v) => v === 0)).toBe(true);
  });
});

describe('encodeLocations / decodeLocations', () => {
  const { prior_indices, locations, boxes_cxcywh } = fixture.decode;
  const selectedPriors = rowsAt(priors, prior_indices);

  it('decodes like the reference convert_locations_to_boxes', () => {
    const boxes = decodeLocations(Float32Array.from(locations), selectedPriors, 0.1, 0.2);
    expect(maxAbsDiff(boxes, boxes_cxcywh)).toBeLessThan(1e-5);
  });

  it('encoding inverts decoding', () => {
    const encoded = encodeLocations(Float32Array.from(boxes_cxcywh), selectedPriors, 0.1, 0.2);
    // boxes_cxcywh is rounded to 6 decimals; dividing by small priors and variances magnifies that.
    expect(maxAbsDiff(encoded, locations)).toBeLessThan(5e-4);
  });

  it('repeats the priors over a batch of images', () => {
    const loc = Float32Array.from(locations);
    const twice = new Float32Array(loc.length * 2);
    twice.set(loc);
    twice.set(loc, loc.length);
    const one = decodeLocations(loc, selectedPriors, 0.1, 0.2);
    const both = decodeLocations(twice, selectedPriors, 0.1, 0.2);
    expect(Array.from(both.subarray(loc.length))).toEqual(Array.from(one));
  });

  it('names the mismatch when rows do not tile the priors', () => {
    expect(() => decodeLocations(new Float32Array(12), new Float32Array(8), 0.1, 0.2)).toThrow(
      /decodeLocations: 3 rows do not tile 2 priors/,
    );
  });
});
