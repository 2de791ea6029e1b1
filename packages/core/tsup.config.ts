import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared';
import pkg from './package.json' with { type: 'json' };

export default defineConfig([
  libraryBuild({ index: 'src/index.ts', testing: 'src/testing/index.ts' }),
  {
    // The CLI is an ESM executable only; it is not part of the importable API.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node22',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    define: { __YIZHENG_VERSION__: JSON.stringify(pkg.version) },
  },
]);
