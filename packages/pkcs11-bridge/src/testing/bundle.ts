/**
 * Bundles the page entry for a browser, with core's page entry taken from its sources (as the tests
 * alias it), so the bundle never depends on a stale build. Test-only.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The page driver as one ESM file for a browser. */
export async function bundleBrowserEntry(minify = false): Promise<string> {
  const out = await build({
    entryPoints: [fileURLToPath(new URL('../browser/index.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify,
    write: false,
    logLevel: 'silent',
    alias: { '@yizheng/core/client': fileURLToPath(new URL('../../../core/src/client/index.ts', import.meta.url)) },
  });
  return out.outputFiles[0]?.text ?? '';
}
