// Shared jest settings: TypeScript via ts-jest, transpiling each file alone (isolatedModules in each tsconfig.json; tsc checks at build).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 120000,
  // Packages whose issues have not landed yet have no tests; the summary still counts them.
  passWithNoTests: true,
};
