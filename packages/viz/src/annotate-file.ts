import { type Detection, type DrawOptions, drawDetections } from './draw-detections';
import { readImageFile, writeImageFile } from './image-file';

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
  const image = await readImageFile(inputPath);
  await writeImageFile(drawDetections(image, detections, options), outputPath);
}
