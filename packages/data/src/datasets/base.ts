import { decodeImage } from '@ssd/image';
import type { Annotation, DatasetItem, ImageId, Target } from './types';

/** A detection data set: random access to annotations, image files and decoded items. */
export abstract class DetectionDataset {
  /** Class names with `__background__` at index 0. */
  abstract readonly classNames: readonly string[];
  /** Number of images. */
  abstract get length(): number;
  /** The image id at `index`. */
  abstract imageId(index: number): ImageId;
  /** The image file at `index`. */
  abstract imagePath(index: number): string;
  /** All annotated objects of an image (difficult ones flagged) and its size, without decoding it. */
  abstract getAnnotation(index: number): Annotation;
  /**
   * Ground truth as the data set's evaluation protocol wants it: by default the annotation; COCO adds its
   * crowd regions (`iscrowd`) and the objects' areas, as the official evaluation reads them from the file.
   */
  getEvaluationAnnotation(index: number): Annotation {
    return this.getAnnotation(index);
  }

  /** The boxes and labels the data set yields for `index` (e.g. VOC drops difficult objects for training). */
  abstract getTarget(index: number): Target;

  /** Decodes the image at `index` and pairs it with its target. */
  async getItem(index: number): Promise<DatasetItem> {
    const target = this.getTarget(index);
    const image = await decodeImage(this.imagePath(index));
    return { imageId: this.imageId(index), image, ...target };
  }

  /** Throws unless `index` is an integer in [0, length). */
  protected checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new Error(`index ${index} out of range for a data set of ${this.length} images`);
    }
  }
}
