import { z } from 'zod';

const int = z.number().int();
const num = z.number().finite();

/** The devices `MODEL.DEVICE` accepts; see @ssd/engine for what each means. */
export const DEVICES = ['auto', 'cuda', 'webgpu', 'cpu', 'wasm', 'js'] as const;

/** A data set declared in config alone (`DATASETS.CATALOG.<name>`). */
export const userDatasetSchema = z.strictObject({
  FORMAT: z.enum(['voc', 'coco']),
  /** VOC: the folder holding JPEGImages/Annotations/ImageSets; COCO: the image folder. */
  DATA_DIR: z.string().min(1),
  /** VOC: the ImageSets/Main split name. */
  SPLIT: z.string().optional(),
  /** COCO: the instances JSON file. */
  ANN_FILE: z.string().optional(),
  /** Class names without background; defaults to VOC's 20 or COCO's categories. */
  CLASS_NAMES: z.array(z.string()).optional(),
});

/** The config schema: every key the reference has, typed, plus DEVICE choices, DATASETS.CATALOG and SEED. */
export const configSchema = z
  .strictObject({
    MODEL: z.strictObject({
      META_ARCHITECTURE: z.string(),
      DEVICE: z.enum(DEVICES),
      THRESHOLD: num.min(0).max(1),
      NUM_CLASSES: int.min(2),
      NEG_POS_RATIO: num.positive(),
      CENTER_VARIANCE: num.positive(),
      SIZE_VARIANCE: num.positive(),
      BACKBONE: z.strictObject({
        NAME: z.string(),
        OUT_CHANNELS: z.array(int.positive()),
        PRETRAINED: z.boolean(),
        WEIGHTS: z.string(),
        WIDTH_MULT: num.positive(),
      }),
      PRIORS: z.strictObject({
        FEATURE_MAPS: z.array(int.positive()),
        STRIDES: z.array(num.positive()),
        MIN_SIZES: z.array(num.positive()),
        MAX_SIZES: z.array(num.positive()),
        ASPECT_RATIOS: z.array(z.array(num.positive())),
        BOXES_PER_LOCATION: z.array(int.positive()),
        CLIP: z.boolean(),
      }),
      BOX_HEAD: z.strictObject({ NAME: z.string(), PREDICTOR: z.string() }),
    }),
    INPUT: z.strictObject({
      IMAGE_SIZE: int.positive(),
      PIXEL_MEAN: z.array(num).length(3),
      EXPAND_MAX_RATIO: num.positive(),
      PHOTOMETRIC_DISTORT: z.boolean(),
    }),
    DATASETS: z.strictObject({
      TRAIN: z.array(z.string()),
      TEST: z.array(z.string()),
      CATALOG: z.record(z.string(), userDatasetSchema),
    }),
    DATA_LOADER: z.strictObject({ NUM_WORKERS: int.min(0), PIN_MEMORY: z.boolean() }),
    SOLVER: z.strictObject({
      MAX_ITER: int.positive(),
      LR_STEPS: z.array(int.nonnegative()),
      GAMMA: num.positive(),
      BATCH_SIZE: int.positive(),
      LR: num.nonnegative(),
      MOMENTUM: num.min(0),
      WEIGHT_DECAY: num.min(0),
      WARMUP_FACTOR: num.min(0),
      WARMUP_ITERS: int.min(0),
      TRAIN_WORKERS: int.min(0),
      MICRO_BATCH: int.min(0),
      CONV_RUNTIME: z.enum(['auto', 'onnxruntime', 'tfjs']),
    }),
    TEST: z.strictObject({
      NMS_THRESHOLD: num.min(0).max(1),
      CONFIDENCE_THRESHOLD: num.min(0).max(1),
      MAX_PER_CLASS: int,
      MAX_PER_IMAGE: int,
      BATCH_SIZE: int.positive(),
    }),
    OUTPUT_DIR: z.string(),
    SEED: int.nonnegative(),
  })
  .superRefine((cfg, ctx) => {
    // Per-feature-map lists must line up, or priors and heads disagree.
    const p = cfg.MODEL.PRIORS;
    const n = p.FEATURE_MAPS.length;
    const perMap = {
      'MODEL.PRIORS.STRIDES': p.STRIDES,
      'MODEL.PRIORS.MIN_SIZES': p.MIN_SIZES,
      'MODEL.PRIORS.MAX_SIZES': p.MAX_SIZES,
      'MODEL.PRIORS.ASPECT_RATIOS': p.ASPECT_RATIOS,
      'MODEL.PRIORS.BOXES_PER_LOCATION': p.BOXES_PER_LOCATION,
      'MODEL.BACKBONE.OUT_CHANNELS': cfg.MODEL.BACKBONE.OUT_CHANNELS,
    };
    for (const [key, list] of Object.entries(perMap)) {
      if (list.length !== n) {
        ctx.addIssue({
          code: 'custom',
          path: key.split('.'),
          message: `has ${list.length} entries but MODEL.PRIORS.FEATURE_MAPS has ${n}`,
        });
      }
    }
    p.ASPECT_RATIOS.forEach((ratios, i) => {
      if (p.BOXES_PER_LOCATION[i] !== undefined && p.BOXES_PER_LOCATION[i] !== 2 + 2 * ratios.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['MODEL', 'PRIORS', 'BOXES_PER_LOCATION', i],
          message: `is ${p.BOXES_PER_LOCATION[i]} but ASPECT_RATIOS[${i}] gives 2 + 2 × ${ratios.length}`,
        });
      }
    });
  });

/** A complete SSD config. */
export type SSDConfig = z.infer<typeof configSchema>;
/** A data set declared in `DATASETS.CATALOG`. */
export type UserDatasetSpec = z.infer<typeof userDatasetSchema>;
/** One of the `MODEL.DEVICE` values. */
export type Device = (typeof DEVICES)[number];
