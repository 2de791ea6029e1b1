/**
 * Bundles for tests: the page entry for a browser, with core's page entry taken from its sources (as
 * the tests alias it), so the bundle never depends on a stale build; and the fake PKCS#11 module for
 * the PKCS#11 worker thread. Test-only.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

/**
 * The fake module's worker entry (`testing/worker-fake.ts`) as one ES module file in a fresh temporary
 * directory, for `openWorkerPkcs11Module({ kind: 'script', url })`; returns its file URL.
 */
export async function bundleWorkerFake(): Promise<string> {
  const out = await build({
    entryPoints: [fileURLToPath(new URL('./worker-fake.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
  });
  const file = join(mkdtempSync(join(tmpdir(), 'yizheng-worker-fake-')), 'worker-fake.mjs');
  writeFileSync(file, out.outputFiles[0]?.text ?? '');
  return pathToFileURL(file).href;
}
