/** Detection over a data set and its evaluation: what `ssd test` and training's evaluation run. */
export { evaluationFormat } from './evaluation-format';
export { type ImageDetections, type InferenceOptions, inference } from './inference';
export { type RunEvaluationOptions, runEvaluation } from './run-evaluation';
