import type { DecodedImage } from '@ssd/image';

/** An image's id: VOC's file stem, COCO's numeric image id. */
export type ImageId = string | number;

/** Ground truth for one image, in original pixel corners (x1, y1, x2, y2), read without decoding the image. */
export interface Annotation {
  imageId: ImageId;
  /** Image size as the annotation states it. */
  width: number;
  height: number;
  /** `[n*4]` corner boxes. */
  boxes: Float32Array;
  /** `[n]` contiguous class ids, 1-based (0 is background). */
  labels: Int32Array;
  /** `[n]` 1 where the object is marked difficult (VOC); all 0 for COCO. */
  difficult: Uint8Array;
  /** `[n]` 1 for COCO crowd regions (only in `getEvaluationAnnotation`). */
  iscrowd?: Uint8Array;
  /** `[n]` COCO object areas (segment areas from the file), for the small/medium/large split. */
  area?: Float32Array;
}

/** The boxes and labels training (or testing) uses for an image, after the data set's filtering. */
export interface Target {
  boxes: Float32Array;
  labels: Int32Array;
}

/** One decoded image with its target. */
export interface DatasetItem extends Target {
  imageId: ImageId;
  image: DecodedImage;
}

/** The serialisable description a data set is built from (workers and tools rebuild data sets from it). */
export interface DatasetSource {
  /** Catalog name, for messages. */
  name: string;
  format: 'voc' | 'coco';
  /** VOC: the folder holding JPEGImages/Annotations/ImageSets; COCO: the image folder. */
  dataDir: string;
  /** VOC: ImageSets/Main/<split>.txt. */
  split?: string;
  /** COCO: instances JSON. */
  annFile?: string;
  /** Class names with `__background__` at 0; absent: VOC's 20 or the COCO file's categories. */
  classNames?: string[];
}
