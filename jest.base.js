// Shared jest settings: TypeScript via ts-jest without type checking (tsc checks at build).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  testTimeout: 120000,
  // Packages whose issues have not landed yet have no tests; the summary still counts them.
  passWithNoTests: true,
};
