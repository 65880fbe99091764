/**
 * The one place the command line reaches the data-set inference and evaluation it shares with training:
 * `ssd test`, its distributed coordinator and `ssd worker` all import them from here.
 */
export { evaluateDataset, type ImageDetections, inference, runEvaluation } from '@ssd/trainer';
