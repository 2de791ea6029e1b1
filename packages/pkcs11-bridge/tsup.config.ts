import { defineConfig } from 'tsup';
import { cliBuild, libraryBuild } from '../../tsup.shared';
import pkg from './package.json' with { type: 'json' };

export default defineConfig([
  // The Node API (index) and the page entry (browser: no Node imports, bundles the client catalogue).
  libraryBuild({ index: 'src/index.ts', browser: 'src/browser/index.ts' }),
  // The yizheng-bridge executable.
  cliBuild({ cli: 'src/cli/main.ts' }, { __YIZHENG_BRIDGE_VERSION__: JSON.stringify(pkg.version) }),
]);
