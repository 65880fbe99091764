import { cocoMetrics, evaluateCoco, formatCocoTable } from './coco-eval';
import type { EvaluationResult, ImageGroundTruth, ImagePredictions } from './types';
import type { VocOptions } from './voc-eval';
import { evaluateVoc, formatVocTable, vocMetrics } from './voc-eval';

/** Which benchmark's protocol to evaluate with. */
export type EvaluationFormat = 'voc' | 'coco';

/** Protocol-specific settings; COCO uses the fixed standard parameters. */
export interface EvaluateOptions {
  voc?: VocOptions;
}

/** What the engine hands over: class names (index 0 = background) and per-image data, paired by index. */
export interface EvaluateDetectionsRequest {
  format: EvaluationFormat;
  classNames: readonly string[];
  groundTruth: readonly ImageGroundTruth[];
  predictions: readonly ImagePredictions[];
  options?: EvaluateOptions;
}

type Evaluator = (request: EvaluateDetectionsRequest) => EvaluationResult;

const EVALUATORS: Record<EvaluationFormat, Evaluator> = {
  voc: ({ classNames, groundTruth, predictions, options }) => {
    const evaluation = evaluateVoc(classNames, groundTruth, predictions, options?.voc);
    return { metrics: vocMetrics(classNames, evaluation), table: formatVocTable(classNames, evaluation) };
  },
  coco: ({ classNames, groundTruth, predictions }) => {
    const evaluation = evaluateCoco(classNames, groundTruth, predictions);
    return { metrics: cocoMetrics(classNames, evaluation), table: formatCocoTable(classNames, evaluation) };
  },
};

/** Evaluates detections against ground truth with the VOC or COCO protocol; returns metrics and a printable table. */
export function evaluateDetections(request: EvaluateDetectionsRequest): EvaluationResult {
  const evaluator = EVALUATORS[request.format];
  if (evaluator === undefined) {
    throw new Error(
      `not supported: evaluation format '${request.format}' (use ${Object.keys(EVALUATORS).join(' or ')})`,
    );
  }
  return evaluator(request);
}
