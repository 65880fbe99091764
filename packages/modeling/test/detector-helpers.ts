// Shared set-up for the detector tests: fixture paths, configs, a tiny model configuration.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, loadConfig, type SSDConfig } from '@ssd/config';

/** The reference fixtures (shared/ lies beside the repository root). */
export const FIXTURES = path.resolve(__dirname, '../../../../shared/fixtures/reference');

/** A reference config from the repository's configs/ folder (frozen), with `KEY VALUE` overrides. */
export function referenceConfig(file: string, overrides: string[] = []): SSDConfig {
  return loadConfig(path.resolve(__dirname, '../../../configs', file), overrides);
}

/** A float32 little-endian fixture file as an array. */
export function readF32(file: string): Float32Array {
  const buf = fs.readFileSync(path.join(FIXTURES, file));
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

/** A JSON fixture file. */
export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as T;
}

/**
 * mobilenet_v2 + SSDLite at 64×64 input (feature maps 4, 2, 1, 1, 1, 1), small enough for pure-JS training
 * steps; priors are arbitrary but consistent.
 */
export function tinyMobilenetConfig(): SSDConfig {
  const cfg = defaultConfig();
  cfg.MODEL.NUM_CLASSES = 4;
  cfg.MODEL.BACKBONE.NAME = 'mobilenet_v2';
  cfg.MODEL.BACKBONE.OUT_CHANNELS = [96, 1280, 512, 256, 256, 64];
  cfg.MODEL.BOX_HEAD.PREDICTOR = 'SSDLiteBoxPredictor';
  cfg.MODEL.PRIORS = {
    FEATURE_MAPS: [4, 2, 1, 1, 1, 1],
    STRIDES: [16, 32, 64, 64, 64, 64],
    MIN_SIZES: [12, 24, 36, 44, 52, 58],
    MAX_SIZES: [24, 36, 44, 52, 58, 64],
    ASPECT_RATIOS: [
      [2, 3],
      [2, 3],
      [2, 3],
      [2, 3],
      [2, 3],
      [2, 3],
    ],
    BOXES_PER_LOCATION: [6, 6, 6, 6, 6, 6],
    CLIP: true,
  };
  cfg.INPUT.IMAGE_SIZE = 64;
  return cfg;
}
