import type { SSDConfig } from '@ssd/config';
import type { DetectedObject } from '@ssd/engine';

/** The model a shard runs: the coordinator's merged config and its checkpoint (absolute path, URL or zoo name). */
export interface ModelSpec {
  config: SSDConfig;
  ckpt: string;
}

/** `ssd test`: detections of data-set images, batched as one process batches them (TEST.BATCH_SIZE). */
export interface TestShardJob {
  kind: 'test';
  model: ModelSpec;
  /** Image files (or what `ssd worker --path-map` maps them to), in data-set order. */
  images: string[];
}

/** `ssd demo`: each image alone, detections at or above a score, labels named. */
export interface DemoShardJob {
  kind: 'demo';
  model: ModelSpec;
  classNames: string[];
  scoreThreshold: number;
  images: string[];
}

export type ShardJob = TestShardJob | DemoShardJob;

/** An image of a shard that could not be read, and why; the shard's other images still have results. */
export interface ImageFailure {
  image: string;
  reason: string;
}

/**
 * One image's detections, as `inference` gives them, with the typed arrays as base64 of their bytes: exact,
 * and about a third of the size of the numbers in JSON.
 */
export interface EncodedDetections {
  width: number;
  height: number;
  boxes: string;
  labels: string;
  scores: string;
}

/** A test shard's result: per image (in order) its detections, or null where it failed (see `failures`). */
export interface TestShardResult {
  detections: (EncodedDetections | null)[];
  failures: ImageFailure[];
}

/** One image's demo result. */
export interface DemoImageResult {
  width: number;
  height: number;
  objects: DetectedObject[];
}

/** A demo shard's result: per image (in order) its objects, or null where it failed. */
export interface DemoShardResult {
  images: (DemoImageResult | null)[];
  failures: ImageFailure[];
}

const bytesOf = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function bytes(base64: string, bytesPerElement: number): ArrayBuffer {
  const buf = Buffer.from(base64, 'base64');
  if (buf.length % bytesPerElement !== 0) throw new Error(`corrupt shard result: ${buf.length} bytes`);
  // A copy: the typed array must start on an aligned offset of its own buffer.
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer;
}

/** Encodes typed detections for the queue. */
export function encodeDetections(d: {
  width: number;
  height: number;
  boxes: Float32Array;
  labels: Int32Array;
  scores: Float32Array;
}): EncodedDetections {
  return {
    width: d.width,
    height: d.height,
    boxes: bytesOf(d.boxes).toString('base64'),
    labels: bytesOf(d.labels).toString('base64'),
    scores: bytesOf(d.scores).toString('base64'),
  };
}

/** Decodes what `encodeDetections` made, bit for bit. */
export function decodeDetections(e: EncodedDetections): {
  width: number;
  height: number;
  boxes: Float32Array;
  labels: Int32Array;
  scores: Float32Array;
} {
  return {
    width: e.width,
    height: e.height,
    boxes: new Float32Array(bytes(e.boxes, 4)),
    labels: new Int32Array(bytes(e.labels, 4)),
    scores: new Float32Array(bytes(e.scores, 4)),
  };
}
