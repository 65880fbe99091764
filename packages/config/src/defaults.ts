import type { SSDConfig } from './schema';

/** The reference's defaults (lufficc/SSD `ssd/config/defaults.py`), plus our own additions marked below. */
export function defaultConfig(): SSDConfig {
  return {
    MODEL: {
      META_ARCHITECTURE: 'SSDDetector',
      // Ours: 'auto' picks the fastest backend that loads (the reference defaults to "cuda").
      DEVICE: 'auto',
      THRESHOLD: 0.5,
      NUM_CLASSES: 21,
      NEG_POS_RATIO: 3,
      CENTER_VARIANCE: 0.1,
      SIZE_VARIANCE: 0.2,
      // Ours: WIDTH_MULT is the reference MobileNetV2's width_mult, which its configs cannot set.
      // Ours: WEIGHTS points PRETRAINED at another file or URL; empty means the reference's source.
      BACKBONE: {
        NAME: 'vgg',
        OUT_CHANNELS: [512, 1024, 512, 256, 256, 256],
        PRETRAINED: true,
        WEIGHTS: '',
        WIDTH_MULT: 1.0,
      },
      PRIORS: {
        FEATURE_MAPS: [38, 19, 10, 5, 3, 1],
        STRIDES: [8, 16, 32, 64, 100, 300],
        MIN_SIZES: [30, 60, 111, 162, 213, 264],
        MAX_SIZES: [60, 111, 162, 213, 264, 315],
        ASPECT_RATIOS: [[2], [2, 3], [2, 3], [2, 3], [2], [2]],
        BOXES_PER_LOCATION: [4, 6, 6, 6, 4, 4],
        CLIP: true,
      },
      BOX_HEAD: { NAME: 'SSDBoxHead', PREDICTOR: 'SSDBoxPredictor' },
    },
    // Ours: EXPAND_MAX_RATIO bounds the Expand (zoom-out) augmentation (the reference's is 4; ≤ 1 turns it
    // off), PHOTOMETRIC_DISTORT False drops the colour augmentation (whose channel swap recolours everything).
    INPUT: { IMAGE_SIZE: 300, PIXEL_MEAN: [123, 117, 104], EXPAND_MAX_RATIO: 4, PHOTOMETRIC_DISTORT: true },
    // Ours: CATALOG declares user data sets by name, in config alone.
    DATASETS: { TRAIN: [], TEST: [], CATALOG: {} },
    DATA_LOADER: { NUM_WORKERS: 8, PIN_MEMORY: true },
    SOLVER: {
      MAX_ITER: 120000,
      LR_STEPS: [80000, 100000],
      GAMMA: 0.1,
      BATCH_SIZE: 32,
      LR: 1e-3,
      MOMENTUM: 0.9,
      WEIGHT_DECAY: 5e-4,
      WARMUP_FACTOR: 1.0 / 3,
      WARMUP_ITERS: 500,
      // Ours: TRAIN_WORKERS threads share each batch's gradient computation, BatchNorm synchronised across
      // them (0: one per core, at most one per image, on the single-threaded wasm/js backends; 1 elsewhere);
      // MICRO_BATCH images per forward/backward pass, gradients summed into one step (0: as many as fit the
      // backend's memory).
      TRAIN_WORKERS: 0,
      MICRO_BATCH: 0,
      // Ours: CONV_RUNTIME runs training's convolutions on wasm with ONNX Runtime's CPU kernels ('onnxruntime';
      // 'auto': when onnxruntime-node is installed) or with the backend's own ('tfjs').
      CONV_RUNTIME: 'auto',
    },
    TEST: {
      NMS_THRESHOLD: 0.45,
      CONFIDENCE_THRESHOLD: 0.01,
      MAX_PER_CLASS: -1,
      MAX_PER_IMAGE: 100,
      BATCH_SIZE: 10,
    },
    OUTPUT_DIR: 'outputs',
    // Ours: seeds data shuffling, augmentation and weight initialisation.
    SEED: 0,
  };
}
