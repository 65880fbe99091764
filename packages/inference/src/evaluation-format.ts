import { COCODataset, type DetectionDataset } from '@ssd/data';
import type { EvaluationFormat } from '@ssd/eval';

/** The evaluation protocol of a data set: COCO's for COCO data, VOC's otherwise (as the reference does). */
export function evaluationFormat(dataset: DetectionDataset): EvaluationFormat {
  return dataset instanceof COCODataset ? 'coco' : 'voc';
}
