import path from 'node:path';
import type { SSDConfig } from '@ssd/config';
import { buildDataset, checkNumClasses } from '@ssd/data';
import type { Detector, ProgressOptions } from '@ssd/engine';
import { type EvaluationResult, evaluateDataset } from '@ssd/eval';
import { evaluationFormat } from './evaluation-format';
import { inference } from './inference';

/** Options of `runEvaluation`. */
export interface RunEvaluationOptions {
  /** Results go to `<outputDir>/<dataset>/metrics.json`; default OUTPUT_DIR/inference. */
  outputDir?: string;
  log?: (line: string) => void;
  progress?: ProgressOptions | false;
  numWorkers?: number;
}

/**
 * Evaluates the model on every DATASETS.TEST data set: inference, then VOC or COCO metrics, printed
 * like the reference and written to `<outputDir>/<dataset>/metrics.json`.
 */
export async function runEvaluation(
  model: Detector,
  cfg: SSDConfig,
  options: RunEvaluationOptions = {},
): Promise<Record<string, EvaluationResult>> {
  const log = options.log ?? ((l: string) => console.log(l));
  const outputDir = options.outputDir ?? path.join(cfg.OUTPUT_DIR, 'inference');
  const results: Record<string, EvaluationResult> = {};
  for (const name of cfg.DATASETS.TEST) {
    const dataset = buildDataset(cfg, [name], false);
    checkNumClasses(cfg, dataset, [name]);
    log(`Evaluating ${name} (${dataset.length} images)`);
    const start = performance.now();
    const predictions = await inference(model, cfg, dataset, {
      numWorkers: options.numWorkers,
      progress: options.progress,
      title: name,
    });
    const seconds = (performance.now() - start) / 1000;
    const result = evaluateDataset(dataset, predictions, {
      format: evaluationFormat(dataset),
      outputDir: path.join(outputDir, name),
    });
    log(`Inference on ${name}: ${seconds.toFixed(1)} s (${(dataset.length / seconds).toFixed(1)} images/s)`);
    log(result.table);
    results[name] = result;
  }
  return results;
}
