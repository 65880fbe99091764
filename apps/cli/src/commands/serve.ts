import path from 'node:path';
import { loadConfig } from '@ssd/config';
import { Predictor } from '@ssd/engine';
import { createDetectionServer, DEFAULT_BODY_LIMIT, DEFAULT_MAX_PIXELS, drainOnSignals } from '@ssd/serve';
import { Command, InvalidArgumentError, Option } from 'commander';
import { checkComponentsRegistered } from '../registered';
import { CLASS_LISTS } from './demo';
import { CONFIG_FILE_HELP } from './options';

/** Parses an integer option of at least `min`, naming the option when it is not one. */
function integer(name: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
    return n;
  };
}

/** Parses a positive number option (seconds, megabytes). */
function positive(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!(n > 0)) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}

/** Options of `ssd serve`, as the command line gives them. */
export interface ServeOptions {
  configFile: string;
  ckpt: string;
  host: string;
  port: number;
  maxBatch: number;
  maxDelayMs: number;
  maxQueue: number;
  requestTimeoutMs: number;
  bodyLimitMb: number;
  maxPixels: number;
  prepareThreads?: number;
  drainTimeout: number;
  dataset_type: string;
}

/**
 * `ssd serve --config-file F --ckpt C [--host 127.0.0.1 --port 8080 --max-batch N --max-delay-ms T …]`: the
 * detector behind HTTP until SIGTERM or SIGINT, then a graceful drain.
 */
export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'serve the detector over HTTP: POST /v1/detect (image bytes → detections), /healthz, /readyz, /metrics, /v1/model',
    )
    .requiredOption('--config-file <file>', CONFIG_FILE_HELP)
    .requiredOption(
      '--ckpt <checkpoint>',
      'checkpoint: ours, a reference .pth, an exported .onnx (run on ONNX Runtime), an http(s) URL, or a model zoo name',
    )
    .option('--host <host>', 'interface to listen on (0.0.0.0: every interface)', '127.0.0.1')
    .option('--port <port>', 'port (0: a free one)', integer('--port', 0), 8080)
    .option('--max-batch <n>', 'most images per model call (1: no batching)', integer('--max-batch', 1), 8)
    .option(
      '--max-delay-ms <ms>',
      'how long the oldest waiting image waits for others before its batch runs',
      integer('--max-delay-ms', 0),
      5,
    )
    .option(
      '--max-queue <n>',
      'requests waiting (decoding or queued) beyond which new ones get 429',
      integer('--max-queue', 1),
      64,
    )
    .option(
      '--request-timeout-ms <ms>',
      'a request not in the model this long after it arrived gets 504',
      integer('--request-timeout-ms', 1),
      30_000,
    )
    .option(
      '--body-limit-mb <mb>',
      'largest request body (413 above)',
      positive('--body-limit-mb'),
      DEFAULT_BODY_LIMIT / 2 ** 20,
    )
    .option(
      '--max-pixels <n>',
      'most pixels an image may declare (422 above)',
      integer('--max-pixels', 1),
      DEFAULT_MAX_PIXELS,
    )
    .option(
      '--prepare-threads <n>',
      'worker threads decoding and resizing images (default: cores − 1, at least 1)',
      integer('--prepare-threads', 0),
    )
    .option(
      '--drain-timeout <seconds>',
      'on SIGTERM/SIGINT, how long to finish admitted requests before the rest get 503',
      positive('--drain-timeout'),
      30,
    )
    .addOption(
      new Option('--dataset_type <type>', 'class names to answer with')
        .choices(Object.keys(CLASS_LISTS))
        .default('voc'),
    )
    .argument('[overrides...]', 'KEY VALUE config overrides')
    .action(async (overrides: string[], opts: ServeOptions) => {
      await runServe(overrides, opts);
    });
}

/** Loads the detector, serves it and returns after a drain; throws when the drain timeout cut requests off. */
export async function runServe(overrides: string[], opts: ServeOptions): Promise<void> {
  const cfg = loadConfig(opts.configFile, overrides);
  checkComponentsRegistered(cfg);
  const predictor = await Predictor.load(cfg, opts.ckpt, CLASS_LISTS[opts.dataset_type]!);
  let code: number;
  try {
    const server = createDetectionServer(predictor, {
      host: opts.host,
      port: opts.port,
      maxBatch: opts.maxBatch,
      maxDelayMs: opts.maxDelayMs,
      maxQueue: opts.maxQueue,
      requestTimeoutMs: opts.requestTimeoutMs,
      bodyLimit: Math.round(opts.bodyLimitMb * 2 ** 20),
      maxPixels: opts.maxPixels,
      prepareThreads: opts.prepareThreads,
      name: path.basename(opts.configFile).replace(/\.ya?ml$/i, ''),
      checkpoint: opts.ckpt,
    });
    const url = await server.listen();
    if (opts.host !== '127.0.0.1' && opts.host !== 'localhost' && opts.host !== '::1') {
      console.log(`Listening on ${opts.host}: reachable from other machines.`);
    }
    console.log(
      `Serving on ${url}: POST ${url}/v1/detect (image bytes), GET /healthz /readyz /metrics /v1/model ` +
        `(batches of up to ${opts.maxBatch}, ${opts.maxDelayMs} ms delay). SIGTERM or Ctrl-C drains and stops.`,
    );
    code = await drainOnSignals(server, { drainTimeoutMs: opts.drainTimeout * 1000 });
  } finally {
    predictor.dispose();
  }
  if (code !== 0) {
    throw new Error(
      `the drain timeout (${opts.drainTimeout} s) ran out: requests still waiting were answered 503`,
    );
  }
}
