export { type BoundedLimits, type BoundedRun, runBounded } from './bounded';
export {
  CHROMIUM_ARGS,
  type ChromiumAdapter,
  chromiumPath,
  contentType,
  describeChromium,
  FAKE_CAMERA_ARGS,
  launchChromium,
  probeChromiumWebGpu,
  type Route,
  startServer,
  type TestServer,
} from './chromium';
export {
  CONFIGS_DIR,
  DEMO_IMAGES_DIR,
  demoImages,
  FIXTURES_DIR,
  REFERENCE_CONFIGS_DIR,
  REFERENCE_DIR,
  REFERENCE_PTH,
  REPO_ROOT,
  readF32,
  readJson,
  TEST_CONFIGS_DIR,
  TINY_MOBILENET_CONFIG,
} from './fixtures';
export { hasRedisServer, startRedis, type TestRedis } from './redis';
export {
  describeWebGpu,
  ensureRuntimeDir,
  hasWebGpu,
  type ProbedAdapter,
  probeWebGpuAdapter,
  useWebGpu,
} from './webgpu';
