import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared';
import pkg from './package.json' with { type: 'json' };

export default defineConfig([
  // The Node API (index) and the page entry (browser: no Node imports, bundles the client catalogue).
  libraryBuild({ index: 'src/index.ts', browser: 'src/browser/index.ts' }),
  {
    // The yizheng-bridge executable: ESM only, not part of the importable API.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node22',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    define: { __YIZHENG_BRIDGE_VERSION__: JSON.stringify(pkg.version) },
  },
]);
