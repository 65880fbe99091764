import type { Rng } from '@ssd/random';
import {
  checkSample,
  type EntryTransform,
  type ImageSample,
  type InputSample,
  type Transform,
} from './sample';

/** Corner boxes (`n × 4`) with their labels (`n`). */
export interface LabelledBoxes {
  boxes: Float32Array;
  labels: Int32Array;
}

/** The boxes of nonzero width and height, with their labels; the same arrays when none is empty. */
export function dropEmptyBoxes({ boxes, labels }: LabelledBoxes): LabelledBoxes {
  const empty = (i: number): boolean =>
    boxes[4 * i] === boxes[4 * i + 2] || boxes[4 * i + 1] === boxes[4 * i + 3];
  let kept = 0;
  for (let i = 0; i < labels.length; i++) if (!empty(i)) kept++;
  if (kept === labels.length) return { boxes, labels };
  const outBoxes = new Float32Array(kept * 4);
  const outLabels = new Int32Array(kept);
  let o = 0;
  for (let i = 0; i < labels.length; i++) {
    if (empty(i)) continue;
    outBoxes.set(boxes.subarray(4 * i, 4 * i + 4), 4 * o);
    outLabels[o++] = labels[i];
  }
  return { boxes: outBoxes, labels: outLabels };
}

/** Drops boxes of zero width or height (and their labels), as the reference's Compose does after every step. */
export function removeEmptyBoxes(sample: ImageSample): ImageSample {
  const kept = dropEmptyBoxes(sample);
  return kept.boxes === sample.boxes ? sample : { ...sample, ...kept };
}

/**
 * Chains transforms into one, removing empty boxes after each step. The input sample is checked and
 * its boxes and labels copied, and the first step copies the image, so the caller's arrays stay intact.
 */
export function compose(first: EntryTransform, ...rest: Transform[]): EntryTransform {
  return (sample: InputSample, rng: Rng): ImageSample => {
    checkSample(sample, 'transform input');
    const owned = { ...sample, boxes: sample.boxes.slice(), labels: sample.labels.slice() };
    let out = removeEmptyBoxes(first(owned, rng));
    for (const step of rest) out = removeEmptyBoxes(step(out, rng));
    return out;
  };
}
