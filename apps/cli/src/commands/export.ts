import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '@ssd/config';
import { initBackend, isOnnxFile, loadWeights, resolveCheckpoint, writeFileAtomic } from '@ssd/engine';
import { buildDetectionModel } from '@ssd/modeling';
import { exportOnnx, ONNX_OPSET } from '@ssd/onnx';
import { Command } from 'commander';
import { checkComponentsRegistered } from '../registered';
import { CONFIG_FILE_HELP } from './options';

/** Options of `runExport`, as the command line gives them. */
export interface ExportOptions {
  configFile: string;
  ckpt: string;
  output?: string;
}

/** `ssd export --config-file F --ckpt C [--output O] [KEY VALUE …]`: the detector as an ONNX model. */
export function exportCommand(): Command {
  return new Command('export')
    .description(
      `write the detector as an ONNX model (opset ${ONNX_OPSET}): NCHW mean-subtracted RGB in, softmax scores and decoded boxes out`,
    )
    .requiredOption('--config-file <file>', CONFIG_FILE_HELP)
    .requiredOption(
      '--ckpt <checkpoint>',
      'checkpoint: ours, a reference .pth, an http(s) URL, or a model zoo name (see `ssd models`)',
    )
    .option('--output <file>', 'the .onnx file to write (default: OUTPUT_DIR/<checkpoint name>.onnx)')
    .argument('[overrides...]', 'KEY VALUE config overrides')
    .action(async (overrides: string[], opts: ExportOptions) => {
      await runExport(overrides, opts);
    });
}

/** Loads the config's model with the checkpoint's weights and writes it as ONNX; returns the file written. */
export async function runExport(overrides: string[], opts: ExportOptions): Promise<string> {
  const cfg = structuredClone(loadConfig(opts.configFile, overrides));
  checkComponentsRegistered(cfg);
  if (opts.output !== undefined && !isOnnxFile(opts.output)) {
    throw new Error(
      `--output ${opts.output} must end in .onnx (ssd demo and ssd test tell models apart by it)`,
    );
  }
  await initBackend(cfg.MODEL.DEVICE);
  const file = await resolveCheckpoint(opts.ckpt);
  if (isOnnxFile(file)) throw new Error(`--ckpt ${opts.ckpt} is already an ONNX model`);
  const output =
    opts.output ?? path.join(cfg.OUTPUT_DIR, `${path.basename(file).replace(/\.[^.]*$/, '')}.onnx`);
  const model = buildDetectionModel(cfg);
  let bytes: Uint8Array;
  try {
    loadWeights(model, file);
    bytes = exportOnnx(model);
  } finally {
    model.dispose();
  }
  mkdirSync(path.dirname(path.resolve(output)), { recursive: true });
  writeFileAtomic(output, [bytes]);
  console.log(
    `Wrote ${output} (${(bytes.length / 2 ** 20).toFixed(1)} MiB, ONNX opset ${ONNX_OPSET}) from ${file}`,
  );
  return output;
}
