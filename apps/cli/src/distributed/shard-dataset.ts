import { type Annotation, DetectionDataset, type Target } from '@ssd/data';

/**
 * A shard's images as a data set, so that a worker runs exactly the loop (loader, batches, model) that
 * `ssd test` runs in one process. Inference needs only image paths; annotations stay with the coordinator.
 */
export class ShardDataset extends DetectionDataset {
  readonly classNames: readonly string[] = [];

  constructor(private readonly files: readonly string[]) {
    super();
  }

  get length(): number {
    return this.files.length;
  }

  imageId(index: number): number {
    this.checkIndex(index);
    return index;
  }

  imagePath(index: number): string {
    this.checkIndex(index);
    return this.files[index]!;
  }

  getAnnotation(): Annotation {
    throw new Error('not supported: a shard holds images only; annotations stay with the coordinator');
  }

  getTarget(): Target {
    return { boxes: new Float32Array(0), labels: new Int32Array(0) };
  }
}
