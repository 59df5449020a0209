import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Every child process has an owner and a stop path: it is started through the supervisor's Spawner
// (long-running) or runTool (short-lived, bounded), never by importing child_process directly.
const CHILD_PROCESS_MESSAGE = 'Start processes through @mld/supervisor (Spawner / SupervisedProcess, or runTool for a short-lived tool).';
const CHILD_PROCESS_BANNED = [
  { name: 'child_process', message: CHILD_PROCESS_MESSAGE },
  { name: 'node:child_process', message: CHILD_PROCESS_MESSAGE },
];

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/out-tsc/**', '**/node_modules/**', '**/.angular/**', 'test-artifacts/**', 'data/**', 'tmp/**'],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared'] },
            { sourceTag: 'scope:dashboard', onlyDependOnLibsWithTags: ['scope:dashboard', 'scope:shared'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared', 'scope:api'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:ui', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:ui', 'type:util'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:ui', 'type:util'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { paths: CHILD_PROCESS_BANNED }],
    },
  },
  {
    // Flat config replaces a rule's options: this block repeats the child-process ban beside its own.
    files: ['libs/**/*.ts'],
    ignores: ['libs/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: CHILD_PROCESS_BANNED, patterns: [{ group: ['@nestjs/*', '@angular/*', 'typeorm'], message: 'libs/ stay framework-free.' }] },
      ],
    },
  },
  {
    // The only places that start processes: the supervisor's adapters, and test code driving real peers.
    files: [
      'libs/supervisor/src/spawner.ts',
      'libs/supervisor/src/pdeathsig.ts',
      'libs/supervisor/src/tool-run.ts',
      '**/testing/**/*.ts',
      '**/*.spec.ts',
      '**/*.integration-spec.ts',
      'libs/mpegts/src/fixtures/**/*.ts',
      'libs/*/src/bench/**/*.ts',
      'e2e/**/*.ts',
      'tools/**/*.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
