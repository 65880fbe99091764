import { MIRROR_ENV, MODEL_ZOO, urlFileName } from '@ssd/engine';
import { Command } from 'commander';

/** The zoo as a table: name (usable as `--ckpt`), data set, the reference's metric, size, file name. */
export function modelsTable(): string {
  const rows = [
    ['name (--ckpt)', 'data set', 'reference', 'size', 'file'],
    ...MODEL_ZOO.map((m) => [
      m.name,
      m.dataset,
      `${m.metricName} ${m.metric.toFixed(1)}`,
      m.size,
      urlFileName(m.url),
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `ssd models`: the reference model zoo's names, usable as `--ckpt NAME`. */
export function modelsCommand(): Command {
  return new Command('models')
    .description('list the reference model zoo: names usable as --ckpt, reference mAP / box AP, size')
    .action(() => {
      console.log(modelsTable());
      console.log(
        `\nDownloaded once into the cache ($SSD_CACHE_DIR); set ${MIRROR_ENV} to a folder or base URL holding these files to work offline.`,
      );
    });
}
