/**
 * The repository's fixtures (`fixtures/` at its root): the reference implementation's numbers, the demo
 * photos and the reference's YAML configs. Tests and benches read them from here, never from outside the
 * repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository's root. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
/** `fixtures/`. */
export const FIXTURES_DIR = path.join(REPO_ROOT, 'fixtures');
/** Numbers computed by lufficc/SSD on fixed inputs (its README says what each file is). */
export const REFERENCE_DIR = path.join(FIXTURES_DIR, 'reference');
/** Five VOC photos. */
export const DEMO_IMAGES_DIR = path.join(FIXTURES_DIR, 'demo-images');
/** The reference's own YAML configs, unchanged (the shipped `configs/` must keep loading them). */
export const REFERENCE_CONFIGS_DIR = path.join(FIXTURES_DIR, 'reference-configs');
/** The shipped configs (`configs/`). */
export const CONFIGS_DIR = path.join(REPO_ROOT, 'configs');
/** The reference's random-but-fixed MobileNetV2-SSD320 checkpoint (`torch.save({'model': …})`). */
export const REFERENCE_PTH = path.join(REFERENCE_DIR, 'mobilenet_v2_ssd320_random.pth');

/** The demo photos' paths, sorted. */
export function demoImages(): string[] {
  return readdirSync(DEMO_IMAGES_DIR)
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort()
    .map((f) => path.join(DEMO_IMAGES_DIR, f));
}

/** A float32 little-endian reference file as an array. */
export function readF32(file: string): Float32Array {
  const buf = readFileSync(path.join(REFERENCE_DIR, file));
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

/** A JSON reference file. */
export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(REFERENCE_DIR, file), 'utf8')) as T;
}

/** Small configs for tests (`fixtures/configs/`). */
export const TEST_CONFIGS_DIR = path.join(FIXTURES_DIR, 'configs');
/** MobileNetV2 + SSDLite at 64×64, small enough for pure-JS training steps. */
export const TINY_MOBILENET_CONFIG = path.join(TEST_CONFIGS_DIR, 'tiny_mobilenet_v2_ssdlite64.yaml');
