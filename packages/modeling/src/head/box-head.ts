/** The reference's SSDBoxHead: predictor + MultiBox loss + post-processing against the config's priors. */
import { buildPriors } from '@ssd/boxes';
import type { SSDConfig } from '@ssd/config';
import type * as tf from '@tensorflow/tfjs-core';
import { type MultiBoxLosses, multiBoxLoss } from '../loss/multibox-loss';
import type { ForwardContext, Scope } from '../nn';
import { type Detections, postProcessAsync } from '../postprocess/post-processor';
import { buildBoxPredictor } from './build-head';
import type { BoxHead, BoxPredictor, DetectionTargets, PredictorOutput } from './types';

/** Predictor under `<scope>.predictor`; priors (center form, relative) computed once from MODEL.PRIORS. */
export class SSDBoxHead implements BoxHead {
  readonly predictor: BoxPredictor;
  /** Priors [P × 4] (cx, cy, w, h) in PriorBox order. */
  readonly priors: Float32Array;

  constructor(
    readonly cfg: SSDConfig,
    scope: Scope,
  ) {
    this.predictor = buildBoxPredictor(cfg, scope.child('predictor'));
    this.priors = buildPriors(cfg);
  }

  predict(features: tf.Tensor4D[], ctx: ForwardContext): PredictorOutput {
    const out = this.predictor.forward(features, ctx);
    const numPriors = this.priors.length / 4;
    if (out.clsLogits.shape[1] !== numPriors) {
      throw new Error(
        `the network gives ${out.clsLogits.shape[1]} boxes per image but MODEL.PRIORS defines ${numPriors}: ` +
          `check INPUT.IMAGE_SIZE (${this.cfg.INPUT.IMAGE_SIZE}) and MODEL.PRIORS.FEATURE_MAPS against the input's size`,
      );
    }
    return out;
  }

  loss(predictions: PredictorOutput, targets: DetectionTargets): MultiBoxLosses {
    return multiBoxLoss(
      predictions.clsLogits,
      predictions.bboxPred,
      targets.labels,
      targets.boxes,
      this.cfg.MODEL.NEG_POS_RATIO,
    );
  }

  postProcess(predictions: PredictorOutput): Promise<Detections[]> {
    return postProcessAsync(predictions.clsLogits, predictions.bboxPred, this.priors, this.cfg);
  }
}
