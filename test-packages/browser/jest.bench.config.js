// The browser bench runs under jest for its TypeScript and the test kit (chromium, the HTTP server), never as part
// of the tests: `pnpm --filter @ssd-test/browser bench` (BENCH_ROUNDS=N for more rounds).
module.exports = {
  ...require('../../jest.base.js'),
  roots: ['<rootDir>/bench'],
  testMatch: ['**/*.bench.ts'],
  testTimeout: 1_800_000,
};
