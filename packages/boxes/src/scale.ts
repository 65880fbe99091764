/** Scales boxes from the network's square input to an image of `width`×`height`, in place. */
export function scaleBoxes(
  boxes: Float32Array,
  inputSize: number,
  width: number,
  height: number,
): Float32Array {
  const sx = width / inputSize;
  const sy = height / inputSize;
  for (let i = 0; i < boxes.length; i += 4) {
    boxes[i] = boxes[i]! * sx;
    boxes[i + 1] = boxes[i + 1]! * sy;
    boxes[i + 2] = boxes[i + 2]! * sx;
    boxes[i + 3] = boxes[i + 3]! * sy;
  }
  return boxes;
}
