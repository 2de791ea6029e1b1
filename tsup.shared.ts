import type { Options } from 'tsup';

/** The build every Yizheng library package shares: ESM + CJS + declarations for Node ≥ 22. */
export function libraryBuild(entry: Record<string, string>): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
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
    sourcemap: true,
    target: 'node22',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    define,
  };
}
