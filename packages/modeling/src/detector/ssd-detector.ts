/**
 * The SSD detection model: backbone + box head chosen by the config's registry names, with all tensors named
 * as in the reference's state_dict (`backbone.…`, `box_head.predictor.…`); state_dict handling is the base's.
 */
import type { SSDConfig } from '@ssd/config';
import { mixSeed, Rng } from '@ssd/random';
import * as tf from '@tensorflow/tfjs-core';
import type { Backbone } from '../backbone/backbone';
import { buildBackbone } from '../backbone/build-backbone';
import { buildBoxHead } from '../head/build-head';
import type { BoxHead, DetectionTargets, PredictorOutput } from '../head/types';
import type { MultiBoxLosses } from '../loss/multibox-loss';
import { batchDraws } from '../nn/draws';
import type { ForwardContext, TrainingDraws } from '../nn/module';
import { StateDictModel } from '../nn/state-dict-model';
import type { Detections } from '../postprocess/post-processor';

/** Construction options. */
export interface SSDDetectorOptions {
  /** Seed of the random initial weights (default: cfg.SEED). */
  readonly seed?: number;
}

/** `forward` options for a training step. */
export interface TrainingForward {
  readonly training: true;
  readonly targets: DetectionTargets;
  /** Where random layers draw (see {@link SSDDetector.loss}). */
  readonly draws?: TrainingDraws;
}

/** `forward` options for inference. */
export interface InferenceForward {
  readonly training?: false;
}

const INFERENCE: ForwardContext = { training: false };
/** Folded into the model's seed for its own stream of training draws, apart from the initial weights'. */
const DRAW_STREAM = 0x64726177;

/**
 * Detector over mean-subtracted NHWC images of INPUT.IMAGE_SIZE². Owns its variables: call `dispose()`.
 * Starts from random weights; MODEL.BACKBONE.PRETRAINED is applied by the trainer (`@ssd/engine`), which
 * downloads the ImageNet weights and loads them with `loadPretrainedBackbone`.
 */
export class SSDDetector extends StateDictModel {
  readonly backbone: Backbone;
  readonly boxHead: BoxHead;
  /** Seeds of the draws of `loss` calls that bring none. */
  private readonly drawSeeds: Rng;

  constructor(
    readonly cfg: SSDConfig,
    options: SSDDetectorOptions = {},
  ) {
    super(options.seed ?? cfg.SEED);
    this.drawSeeds = new Rng(mixSeed(options.seed ?? cfg.SEED, DRAW_STREAM));
    this.backbone = this.build((root) => buildBackbone(cfg, root.child('backbone')));
    this.boxHead = this.build((root) => buildBoxHead(cfg, root.child('box_head')));
  }

  /** Raw outputs: class logits [N, P, C] and encoded boxes [N, P, 4]. Training mode updates BatchNorm stats. */
  predict(images: tf.Tensor4D, ctx: ForwardContext = INFERENCE): PredictorOutput {
    if (images.rank !== 4 || images.shape[3] !== 3) {
      throw new Error(`SSDDetector expects NHWC images [N, H, W, 3], got shape [${images.shape.join(', ')}]`);
    }
    return tf.tidy(() => this.boxHead.predict(this.backbone.forward(images, ctx), ctx));
  }

  /**
   * Training-mode forward and MultiBox losses (call inside tf.variableGrads to train). Random layers
   * (drop-connect) take `draws`: the trainer seeds them by iteration, so a step is the same on every backend,
   * in any split of its batch and after a resume; without them each call draws anew from the model's seed.
   */
  loss(images: tf.Tensor4D, targets: DetectionTargets, draws?: TrainingDraws): MultiBoxLosses {
    const ctx: ForwardContext = {
      training: true,
      draws: draws ?? batchDraws(this.drawSeeds.nextUint32(), 0, images.shape[0]),
    };
    return tf.tidy(() => {
      const { regLoss, clsLoss } = this.boxHead.loss(this.predict(images, ctx), targets);
      return { regLoss, clsLoss };
    });
  }

  /** Inference: detections per image, boxes [x1, y1, x2, y2] in input pixels, best first. */
  async detect(images: tf.Tensor4D): Promise<Detections[]> {
    const predictions = this.predict(images, INFERENCE);
    try {
      return await this.boxHead.postProcess(predictions);
    } finally {
      tf.dispose([predictions.clsLogits, predictions.bboxPred]);
    }
  }

  /** The reference's forward: losses in training mode (given targets), detections otherwise. */
  forward(images: tf.Tensor4D, options: TrainingForward): MultiBoxLosses;
  forward(images: tf.Tensor4D, options?: InferenceForward): Promise<Detections[]>;
  forward(
    images: tf.Tensor4D,
    options: TrainingForward | InferenceForward = {},
  ): MultiBoxLosses | Promise<Detections[]> {
    return options.training ? this.loss(images, options.targets, options.draws) : this.detect(images);
  }
}
