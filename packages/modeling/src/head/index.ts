/** Built-in box predictors and heads; importing this module registers them. */
export { SSDBoxHead } from './box-head';
export { HeaderBoxPredictor, ssdBoxPredictor, ssdLiteBoxPredictor } from './box-predictor';
export type { BoxHead, BoxPredictor, DetectionTargets, PredictorOutput } from './types';
