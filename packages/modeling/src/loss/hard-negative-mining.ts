/**
 * Hard negative mining per image, like the reference: keeps every positive prior (label > 0) and the
 * `negPosRatio × numPositives` background priors with the highest background loss. `backgroundLoss`
 * and `labels` are `numImages × numPriors`; returns the kept-prior mask (1 = used by the loss).
 */
export function hardNegativeMining(
  backgroundLoss: Float32Array,
  labels: Int32Array,
  numImages: number,
  negPosRatio: number,
): Uint8Array {
  if (backgroundLoss.length !== labels.length || labels.length % numImages !== 0) {
    throw new Error(
      `hardNegativeMining: backgroundLoss (${backgroundLoss.length}) and labels (${labels.length}) must both be ${numImages} × numPriors`,
    );
  }
  const numPriors = labels.length / numImages;
  const mask = new Uint8Array(labels.length);
  for (let n = 0; n < numImages; n++) {
    const base = n * numPriors;
    const negatives: number[] = [];
    for (let p = base; p < base + numPriors; p++) {
      if (labels[p] > 0) mask[p] = 1;
      else negatives.push(p);
    }
    const numNeg = (numPriors - negatives.length) * negPosRatio;
    if (numNeg <= 0) continue;
    negatives.sort((a, b) => backgroundLoss[b] - backgroundLoss[a] || a - b);
    const take = Math.min(numNeg, negatives.length);
    for (let k = 0; k < take; k++) mask[negatives[k]] = 1;
  }
  return mask;
}
