export type { CocoCurves, CocoDims } from './coco-accumulate';
export type { CocoEvaluation } from './coco-eval';
export { cocoMetrics, evaluateCoco, formatCocoTable } from './coco-eval';
export type { AreaRange } from './coco-params';
export { AREA_RANGES, IOU_THRESHOLDS, MAX_DETS, RECALL_THRESHOLDS } from './coco-params';
export type { CocoResult } from './coco-results';
export { fromCocoResults, readCocoResults, toCocoResults, writeCocoResults } from './coco-results';
export type { SummaryEntry } from './coco-summary';
export { SUMMARY_ENTRIES } from './coco-summary';
export type { EvaluateDetectionsRequest, EvaluateOptions, EvaluationFormat } from './evaluate';
export { evaluateDetections } from './evaluate';
export { type AnnotatedDataset, type EvaluateDatasetOptions, evaluateDataset } from './evaluate-dataset';
export type {
  EvaluationResult,
  FlagList,
  ImageGroundTruth,
  ImagePredictions,
  Metrics,
  NumberList,
} from './types';
export { validateInputs } from './validate';
export type { VocApMetric } from './voc-ap';
export { vocAveragePrecision } from './voc-ap';
export type { PrecisionRecallCurve, VocCurves } from './voc-curves';
export { computeVocCurves } from './voc-curves';
export type { VocEvaluation, VocOptions } from './voc-eval';
export { evaluateVoc, formatVocTable, vocMetrics } from './voc-eval';
