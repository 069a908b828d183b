import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';
import globals from 'globals';

// Workflow code runs in Temporal's deterministic sandbox: it may import @temporalio/workflow,
// domain/ and *types* from activities/, nothing else (STYLE.md rule 1).
const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);
const workflowRestrictions = {
  paths: [
    ...nodeBuiltins.map((name) => ({ name, message: 'Workflows must not use Node built-ins.' })),
    { name: 'ethers', message: 'Chain access belongs in activities.' },
    { name: 'axios', message: 'HTTP belongs in activities.' },
    { name: '@temporalio/activity', message: 'Workflows cannot use the activity API.' },
    { name: '@temporalio/client', message: 'Use the workflow API inside workflows.' },
    { name: '@temporalio/worker', message: 'Workflows cannot import the worker.' },
  ],
  patterns: [
    {
      group: ['**/activities/**', '**/activities'],
      allowTypeImports: true,
      message: 'Workflows may import only types from activities/.',
    },
    {
      group: ['**/worker/**', '**/client/**', '**/devnet/**', '**/config/**'],
      message: 'Workflows may import only @temporalio/workflow, domain/ and activity types.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.tools/',
      '.devnet/',
      'coverage/',
      'devnet/contracts/build/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', workflowRestrictions] },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: workflowRestrictions.paths,
          patterns: [
            {
              group: ['**/activities/**', '**/worker/**', '**/client/**', '**/devnet/**'],
              message: 'domain/ is pure: no I/O and no imports from the outer layers.',
            },
          ],
        },
      ],
    },
  },
  {
    // Keccak hashing of cluster keys is pure; workflows never import this file.
    files: ['domain/ssv/cluster-hash.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.node,
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['jest.config.js', 'eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  prettier,
);
