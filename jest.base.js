// Shared jest settings: TypeScript via ts-jest, transpiling each file alone (isolatedModules in each tsconfig.json; tsc checks at build).
/** @type {import('jest').Config} */
module.exports = {
  // Tests run in the main V8 context: in jest's default separate context every global lookup (Math.*,
  // typed arrays) is many times slower, which made tfjs's pure-JS kernels 5–15× slower under test.
  testEnvironment: require.resolve('jest-environment-node-single-context'),
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 120000,
  // Drops tfjs's "already registered" / "platform already set" notices (see the file).
  setupFiles: [require.resolve('./jest.setup.js')],
};
