/**
 * One server for the benchmark, in a process of its own (the load generator must not share its event loop):
 * `node server-process.js CONFIG CKPT MAX_BATCH MAX_DELAY_MS MAX_QUEUE`. Prints `URL <url> TENSORS <n>` once warm,
 * and on SIGTERM drains and prints `TENSORS <n>` again (tfjs's live tensors: a leak grows the number).
 */
import { loadConfig, VOC_CLASSES } from '@ssd/config';
import { Predictor } from '@ssd/engine';
import * as tf from '@tensorflow/tfjs-core';
import { createDetectionServer, drainOnSignals } from '../src';

async function main(): Promise<void> {
  const [config, ckpt, maxBatch, maxDelayMs, maxQueue] = process.argv.slice(2);
  const cfg = loadConfig(config!, ['MODEL.DEVICE', 'wasm']);
  const predictor = await Predictor.load(cfg, ckpt!, VOC_CLASSES, () => {});
  const server = createDetectionServer(predictor, {
    port: 0,
    maxBatch: Number(maxBatch),
    maxDelayMs: Number(maxDelayMs),
    maxQueue: Number(maxQueue),
    requestTimeoutMs: 600_000,
    log: () => {},
  });
  const url = await server.listen();
  while (!server.ready) await new Promise((r) => setTimeout(r, 20));
  console.log(`URL ${url} TENSORS ${tf.memory().numTensors}`);
  const code = await drainOnSignals(server, { log: () => {} });
  console.log(`TENSORS ${tf.memory().numTensors}`);
  predictor.dispose();
  process.exitCode = code;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
