import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.tools/**', 'docs/site/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Example pages run in the browser.
    files: ['examples/*/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The CLI's job is to print; elsewhere, library code must not write to the console.
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/*/src/cli/**', '**/*.test.ts'],
    rules: { 'no-console': 'error' },
  },
);
