/** A server over the toy detector (32×32, milliseconds a batch): for tests about the server, not the model. */

import { initBackend, Predictor } from '@ssd/engine';
import { buildDetectionModel } from '@ssd/modeling';
import { TOY_BACKBONE, toyConfig, writeToyProject } from '@ssd-test/custom-backbone';
import { createDetectionServer, type DetectionServer, type DetectionServerOptions } from '../../src';

export const TOY_CLASSES = ['__background__', 'circle', 'square', 'triangle', 'star', 'hexagon'];

/** The toy detector with random weights on the pure-JS backend. */
export async function toyPredictor(): Promise<Predictor> {
  await initBackend('js', () => {});
  const cfg = toyConfig(await writeToyProject());
  if (cfg.MODEL.BACKBONE.NAME !== TOY_BACKBONE) throw new Error('not the toy project');
  return new Predictor(cfg, buildDetectionModel(cfg), TOY_CLASSES);
}

/** A listening server on a free port of 127.0.0.1 and its base URL. */
export async function startServer(
  predictor: Predictor,
  options: DetectionServerOptions = {},
): Promise<{ server: DetectionServer; url: string }> {
  const server = createDetectionServer(predictor, { port: 0, prepareThreads: 1, log: () => {}, ...options });
  const url = await server.listen();
  return { server, url };
}

/** Waits until `/readyz` says ready (the warm-up ran). */
export async function untilReady(server: DetectionServer): Promise<void> {
  for (let i = 0; i < 600 && !server.ready; i++) await new Promise((r) => setTimeout(r, 50));
  if (!server.ready) throw new Error('the server did not warm up');
}
