import type { Options } from 'tsup';

/** The build every Yizheng library package shares: ESM + CJS + declarations for Node ≥ 22. */
export function libraryBuild(entry: Record<string, string>): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    // No source maps: the published packages leave them out, and a sourceMappingURL to a missing
    // file makes bundlers warn.
    sourcemap: false,
    clean: true,
    target: 'node22',
    platform: 'node',
  };
}

/**
 * A command-line executable: ESM only (not part of the importable API), for Node ≥ 22, with a
 * shebang; `define` bakes in constants such as the version.
 */
export function cliBuild(entry: Record<string, string>, define: Record<string, string>): Options {
  return {
    entry,
    format: ['esm'],
    // No source maps: the published packages leave them out, and a sourceMappingURL to a missing
    // file makes bundlers warn.
    sourcemap: false,
    target: 'node22',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    define,
  };
}
