/** A published reference model (lufficc/SSD release 1.2), usable as `--ckpt <name>`. */
export interface ZooModel {
  /** The name, also the reference config's (`configs/<name>.yaml`). */
  readonly name: string;
  readonly url: string;
  /** The data set its metric is measured on. */
  readonly dataset: 'VOC2007 test' | 'COCO test-dev2015';
  /** The reference's figure: VOC07 mAP or COCO box AP, in percent. */
  readonly metric: number;
  /** 'mAP' (VOC) or 'box AP' (COCO). */
  readonly metricName: 'mAP' | 'box AP';
  /** File size as the reference README gives it. */
  readonly size: string;
}

const RELEASE = 'https://github.com/lufficc/SSD/releases/download/1.2';

function voc(name: string, metric: number, size: string, file = name): ZooModel {
  return { name, url: `${RELEASE}/${file}.pth`, dataset: 'VOC2007 test', metric, metricName: 'mAP', size };
}

function coco(name: string, metric: number, size: string): ZooModel {
  return {
    name,
    url: `${RELEASE}/${name}.pth`,
    dataset: 'COCO test-dev2015',
    metric,
    metricName: 'box AP',
    size,
  };
}

/** The reference README's model zoo, in its order. */
export const MODEL_ZOO: readonly ZooModel[] = [
  coco('vgg_ssd300_coco_trainval35k', 25.2, '262MB'),
  coco('vgg_ssd512_coco_trainval35k', 29.0, '275MB'),
  voc('vgg_ssd300_voc0712', 77.7, '201MB'),
  voc('vgg_ssd512_voc0712', 80.7, '207MB'),
  // The published MobileNetV2 file carries a `_v2` suffix; the name stays the config's.
  voc('mobilenet_v2_ssd320_voc0712', 68.9, '25.5MB', 'mobilenet_v2_ssd320_voc0712_v2'),
  voc('mobilenet_v3_ssd320_voc0712', 69.5, '29.9MB'),
  voc('efficient_net_b3_ssd300_voc0712', 73.9, '97.1MB'),
];

/** The zoo model named `name`, if there is one. */
export function findZooModel(name: string): ZooModel | undefined {
  return MODEL_ZOO.find((m) => m.name === name);
}

/**
 * The most bytes a download of `model` may bring: its published size with a quarter to spare (the sizes are
 * rounded, in MB or MiB), so a server sending more is stopped early.
 */
export function zooDownloadLimit(model: ZooModel): number {
  const mb = Number.parseFloat(model.size);
  return Math.ceil(1.25 * mb * 2 ** 20);
}
