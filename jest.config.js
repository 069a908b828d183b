// Three jest projects, one per test layer (STYLE.md rule 21). The code base is ESM, so jest runs
// with --experimental-vm-modules (see scripts/test.sh) and ts-jest emits ESM.
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
export default {
  // A global option in jest 29 (ignored per project): server start-up, workflow bundling and
  // real chains take seconds in beforeAll. Unit tests finish far below it.
  testTimeout: 180_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'workflows',
      testMatch: ['<rootDir>/test/workflows/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/helpers/quiet-runtime.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/helpers/workflow-timeout.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/helpers/quiet-runtime.ts'],
    },
  ],
};
