import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against sources; the built dist is checked by core's dist test.
    alias: [
      { find: /^@yizheng\/core$/, replacement: fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url)) },
      ...['cert', 'codes', 'crypto', 'envelope', 'trust', 'stores', 'providers', 'errors', 'http'].map((sub) => ({
        find: new RegExp(`^@yizheng/core/${sub}$`),
        replacement: fileURLToPath(new URL(`./packages/core/src/${sub}/index.ts`, import.meta.url)),
      })),
      { find: /^@yizheng\/core\/testing$/, replacement: fileURLToPath(new URL('./packages/core/src/testing/index.ts', import.meta.url)) },
      { find: /^@yizheng\/core\/client$/, replacement: fileURLToPath(new URL('./packages/core/src/client/index.ts', import.meta.url)) },
      { find: /^@yizheng\/core\/software-token$/, replacement: fileURLToPath(new URL('./packages/core/src/software-token/index.ts', import.meta.url)) },
      { find: /^@yizheng\/core\/conformance$/, replacement: fileURLToPath(new URL('./packages/core/src/conformance/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/**/*.test.ts', 'scripts/**/*.test.ts', 'docs/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'docs/.vitepress/**'],
    testTimeout: 30_000,
    // Under CI a JSON report lets .ci/run print one plain "N passed, N failed" line.
    reporters: process.env['CI'] === 'true' ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
  },
});
