import type { ImageGroundTruth, ImagePredictions, NumberList } from './types';

function checkLength(list: ArrayLike<unknown> | undefined, expected: number, name: string): void {
  if (list !== undefined && list.length !== expected) {
    throw new Error(`${name} has length ${list.length}, expected ${expected}`);
  }
}

function checkLabels(labels: NumberList, numClasses: number, name: string): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 1 || label >= numClasses) {
      throw new Error(`${name}[${i}] is ${label}, expected an integer class id in 1..${numClasses - 1}`);
    }
  }
}

/** Throws an Error naming the offending field when the inputs are inconsistent with each other or the classes. */
export function validateInputs(
  classNames: readonly string[],
  groundTruth: readonly ImageGroundTruth[],
  predictions: readonly ImagePredictions[],
): void {
  if (classNames.length < 2) {
    throw new Error(
      `classNames has ${classNames.length} entries, expected background plus at least one class`,
    );
  }
  if (groundTruth.length !== predictions.length) {
    throw new Error(
      `groundTruth has ${groundTruth.length} images but predictions has ${predictions.length}; they pair by index`,
    );
  }
  const numClasses = classNames.length;
  groundTruth.forEach((gt, i) => {
    const n = gt.labels.length;
    checkLength(gt.boxes, 4 * n, `groundTruth[${i}].boxes`);
    checkLength(gt.difficult, n, `groundTruth[${i}].difficult`);
    checkLength(gt.iscrowd, n, `groundTruth[${i}].iscrowd`);
    checkLength(gt.area, n, `groundTruth[${i}].area`);
    checkLabels(gt.labels, numClasses, `groundTruth[${i}].labels`);
  });
  predictions.forEach((pred, i) => {
    const n = pred.labels.length;
    checkLength(pred.boxes, 4 * n, `predictions[${i}].boxes`);
    checkLength(pred.scores, n, `predictions[${i}].scores`);
    checkLabels(pred.labels, numClasses, `predictions[${i}].labels`);
  });
}
