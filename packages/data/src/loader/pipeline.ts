import type { SSDConfig } from '@ssd/config';
import { decodeImage } from '@ssd/image';
import { Rng } from '@ssd/random';
import { buildTargetTransform, buildTransforms } from '@ssd/transforms';
import type { BatchArrays, BatchTask } from './batch';

/** Decoding, augmentation and target encoding of whole batches; the same code runs in workers and inline. */
export interface BatchPipeline {
  run(task: BatchTask): Promise<BatchArrays>;
}

/** Builds the pipeline for training (with targets) or testing, from the config's transforms. */
export function buildBatchPipeline(cfg: SSDConfig, isTrain: boolean): BatchPipeline {
  const transform = buildTransforms(cfg, isTrain);
  const target = isTrain ? buildTargetTransform(cfg) : undefined;
  const size = cfg.INPUT.IMAGE_SIZE;
  const pixels = size * size * 3;

  return {
    async run(task) {
      const n = task.samples.length;
      // Decodes overlap on libvips threads; transforms then run in sample order.
      const decoded = await Promise.all(task.samples.map((s) => decodeImage(s.file)));
      const out: BatchArrays = {
        images: new Float32Array(n * pixels),
        widths: decoded.map((d) => d.width),
        heights: decoded.map((d) => d.height),
      };
      task.samples.forEach((s, i) => {
        const image = decoded[i]!;
        let sample: ReturnType<typeof transform>;
        try {
          sample = transform(
            { image: image.data, width: image.width, height: image.height, boxes: s.boxes, labels: s.labels },
            new Rng(s.seed),
          );
        } catch (err) {
          throw new Error(`cannot transform ${s.file}: ${(err as Error).message}`);
        }
        if (sample.image.length !== pixels) {
          throw new Error(
            `${s.file}: transforms gave a ${sample.width}×${sample.height} image, expected ${size}×${size}`,
          );
        }
        out.images.set(sample.image, i * pixels);
        if (!target) return;
        const t = target(sample.boxes, sample.labels);
        if (!out.locations || !out.labels) {
          out.locations = new Float32Array(n * t.locations.length);
          out.labels = new Int32Array(n * t.labels.length);
        }
        out.locations.set(t.locations, i * t.locations.length);
        out.labels.set(t.labels, i * t.labels.length);
      });
      return out;
    },
  };
}
