/** What the training plots draw: training's logged values and evaluations, each list sorted by iteration. */

/** One logged training iteration: every numeric value it carried (loss, lr, ...). */
export interface TrainRecord {
  iter: number;
  values: Record<string, number>;
}

/** One evaluation: mAP on one dataset at an iteration. */
export interface EvalRecord {
  iter: number;
  dataset: string;
  mAP: number;
}

/** The series of a training run (`readMetricsFile` of @ssd/trainer reads them from its metrics.jsonl). */
export interface TrainingMetrics {
  train: TrainRecord[];
  evals: EvalRecord[];
}
