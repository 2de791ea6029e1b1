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
