import { cornersOf, NUMBER_ARITHMETIC } from './box-decoding';

// Boxes are flat `n × 4` Float32Arrays: rows `[cx, cy, w, h]` (center form) or `[x1, y1, x2, y2]` (corner form).

/** Throws unless `boxes` holds whole rows of 4; `name` says which argument in the message. */
export function checkBoxes(boxes: Float32Array, name: string): void {
  if (boxes.length % 4 !== 0) {
    throw new Error(`${name}: length ${boxes.length} is not a multiple of 4`);
  }
}

/** `[cx, cy, w, h]` rows → `[x1, y1, x2, y2]` rows, by `cornersOf`. */
export function centerFormToCornerForm(boxes: Float32Array): Float32Array {
  checkBoxes(boxes, 'centerFormToCornerForm boxes');
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    for (let axis = 0; axis < 2; axis++) {
      const { min, max } = cornersOf(NUMBER_ARITHMETIC, {
        center: boxes[i + axis],
        size: boxes[i + 2 + axis],
      });
      out[i + axis] = min;
      out[i + 2 + axis] = max;
    }
  }
  return out;
}

/** `[x1, y1, x2, y2]` rows → `[cx, cy, w, h]` rows. */
export function cornerFormToCenterForm(boxes: Float32Array): Float32Array {
  checkBoxes(boxes, 'cornerFormToCenterForm boxes');
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    out[i] = (boxes[i] + boxes[i + 2]) / 2;
    out[i + 1] = (boxes[i + 1] + boxes[i + 3]) / 2;
    out[i + 2] = boxes[i + 2] - boxes[i];
    out[i + 3] = boxes[i + 3] - boxes[i + 1];
  }
  return out;
}
