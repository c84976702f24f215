import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['test/**/*.test.ts'],
    // CI also writes a machine-readable summary; .ci/run prints its "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
    // Vitest's default is one worker fewer than the CPUs: a single worker on these 2-core machines,
    // which ran every file one after another. Two workers overlap files, and the CLI files spend
    // most of their time waiting for subprocesses, not in the worker.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: {
      // On Node 20 (supported from 20.19) the SDK's "upgrade to Node 22" notice is noise in test output.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
