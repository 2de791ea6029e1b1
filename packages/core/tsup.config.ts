import { rmSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { cliBuild, libraryBuild } from '../../tsup.shared';
import pkg from './package.json' with { type: 'json' };

// Cleared once here: with `clean` on, the library build's declaration step would delete the page
// build's .d.ts files written in parallel.
rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });

export default defineConfig([
  {
    ...libraryBuild({
      index: 'src/index.ts',
      cert: 'src/cert/index.ts',
      codes: 'src/codes/index.ts',
      crypto: 'src/crypto/index.ts',
      envelope: 'src/envelope/index.ts',
      trust: 'src/trust/index.ts',
      stores: 'src/stores/index.ts',
      providers: 'src/providers/index.ts',
      errors: 'src/errors/index.ts',
      http: 'src/http/index.ts',
      testing: 'src/testing/index.ts',
      conformance: 'src/conformance/index.ts',
    }),
    clean: false,
  },
  {
    // The page entries: browser code (ES2022, no Node built-ins). Kept out of `libraryBuild`, which
    // targets Node; `clean` stays off here so the two builds do not delete each other's output.
    entry: { client: 'src/client/index.ts', 'client-sof-presets': 'src/client/sof-presets.ts', 'client-sof-decrypt': 'src/client/sof-decrypt.ts', 'software-token': 'src/software-token/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: false,
    target: 'es2022',
    platform: 'browser',
  },
  // The yizheng CLI.
  cliBuild({ cli: 'src/cli/main.ts' }, { __YIZHENG_VERSION__: JSON.stringify(pkg.version) }),
]);
