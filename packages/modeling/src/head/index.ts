/** Box predictors and the box head: their contracts, the built-in ones and their builders. */
export { SSDBoxHead } from './box-head';
export { HeaderBoxPredictor, ssdBoxPredictor, ssdLiteBoxPredictor } from './box-predictor';
export { buildBoxHead, buildBoxPredictor } from './build-head';
export type { BoxHead, BoxPredictor, DetectionTargets, PredictorOutput } from './types';
