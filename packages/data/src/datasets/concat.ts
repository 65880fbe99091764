import { DetectionDataset } from './base';
import type { Annotation, ImageId, Target } from './types';

/** Several data sets with the same classes, indexed one after another (training on VOC07 + VOC12, say). */
export class ConcatDataset extends DetectionDataset {
  readonly classNames: readonly string[];
  readonly datasets: readonly DetectionDataset[];
  private readonly starts: number[];
  private readonly total: number;

  constructor(datasets: readonly DetectionDataset[], names?: readonly string[]) {
    super();
    if (datasets.length === 0) throw new Error('ConcatDataset needs at least one data set');
    const label = (i: number) => names?.[i] ?? `data set ${i}`;
    const first = datasets[0]!.classNames;
    datasets.forEach((ds, i) => {
      if (ds.classNames.length !== first.length || ds.classNames.some((c, j) => c !== first[j])) {
        throw new Error(
          `${label(i)} has classes [${ds.classNames.join(', ')}], unlike ${label(0)}: cannot concatenate`,
        );
      }
    });
    this.classNames = first;
    this.datasets = datasets;
    this.starts = [];
    let total = 0;
    for (const ds of datasets) {
      this.starts.push(total);
      total += ds.length;
    }
    this.total = total;
  }

  get length(): number {
    return this.total;
  }

  imageId(index: number): ImageId {
    const [ds, local] = this.locate(index);
    return ds.imageId(local);
  }

  imagePath(index: number): string {
    const [ds, local] = this.locate(index);
    return ds.imagePath(local);
  }

  getAnnotation(index: number): Annotation {
    const [ds, local] = this.locate(index);
    return ds.getAnnotation(local);
  }

  getTarget(index: number): Target {
    const [ds, local] = this.locate(index);
    return ds.getTarget(local);
  }

  /** The member data set holding `index`, and the index within it. */
  locate(index: number): [DetectionDataset, number] {
    this.checkIndex(index);
    // Few members: a linear scan from the back finds the last start at or below index.
    let i = this.starts.length - 1;
    while (this.starts[i]! > index) i--;
    return [this.datasets[i]!, index - this.starts[i]!];
  }
}
