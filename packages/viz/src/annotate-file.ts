import { decodeImage, writeImageFile } from '@ssd/image';
import { type Detection, type DrawOptions, drawDetections } from './draw-detections';

/**
 * Reads `inputPath` (EXIF-rotated, as RGB), draws `detections` (pixel boxes in that upright image)
 * and writes `outputPath` as JPEG or PNG by its extension.
 */
export async function annotateImageFile(
  inputPath: string,
  outputPath: string,
  detections: readonly Detection[],
  options: DrawOptions = {},
): Promise<void> {
  const image = { ...(await decodeImage(inputPath)), channels: 3 as const };
  await writeImageFile(drawDetections(image, detections, options), outputPath);
}
