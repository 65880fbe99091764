// The inference set (@ssd/config, @ssd/modeling, @ssd/engine) installs alone: what its package.json files
// declare, followed through every installed dependency's package.json, never reaches training, data,
// evaluation or drawing packages, the @tensorflow/tfjs umbrella, or a GPU/native backend.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const INFERENCE_SET = ['config', 'modeling', 'engine'].map((name) => path.join(REPO, 'packages', name));
const FORBIDDEN = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  'webgpu',
  '@tensorflow/tfjs-backend-webgpu',
  '@ssd/data',
  '@ssd/eval',
  '@ssd/inference',
  '@ssd/viz',
  '@ssd/solver',
  '@ssd/transforms',
  '@ssd/trainer',
];

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** What installing the package at `dir` installs with it: its dependencies and its required peers. */
function installedWith(manifest: Manifest): string[] {
  const optional = manifest.peerDependenciesMeta ?? {};
  const peers = Object.keys(manifest.peerDependencies ?? {}).filter((p) => !optional[p]?.optional);
  return [...Object.keys(manifest.dependencies ?? {}), ...peers];
}

/** Every package the inference set installs, each with the chain of packages that brings it. */
function closure(): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue: { dir: string; chain: string[] }[] = INFERENCE_SET.map((dir) => ({ dir, chain: [] }));
  while (queue.length > 0) {
    const { dir, chain } = queue.shift()!;
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
    if (seen.has(manifest.name)) continue;
    seen.set(manifest.name, [...chain, manifest.name]);
    for (const dep of installedWith(manifest)) {
      const found = require.resolve(`${dep}/package.json`, { paths: [dir] });
      queue.push({ dir: path.dirname(found), chain: [...chain, manifest.name] });
    }
  }
  return seen;
}

test('the inference set reaches none of the training, data or GPU/native packages', () => {
  const installed = closure();
  expect(installed.has('@tensorflow/tfjs-core')).toBe(true);
  const reached = FORBIDDEN.filter((name) => installed.has(name)).map((name) =>
    installed.get(name)!.join(' → '),
  );
  expect(reached).toEqual([]);
});
