/**
 * Benchmark: what the login page downloads. Bundles core's page entry (`@yizheng/core/client`) and
 * each vendor's token driver (`@yizheng/provider-<id>/browser`, and the PKCS#11 bridge's driver when
 * it exists) with esbuild from source (minified, browser, ESM; every export of the entry kept),
 * gzips each (level 9) and reports the bytes. Goal: at most 10 KiB gzipped each. The software token
 * is measured too but not counted (tests and demos only).
 *
 * Also asserts the page carries no ASN.1 or big-number code: none of the bundle inputs may come from
 * core's asn1/, cert/, crypto/ or trust/ folders, from the server error catalogue, or from a package
 * such as asn1js, pkijs, jsbn or bn.js. Each result lists any such input in `forbiddenInputs`.
 *
 * Run through scripts/bench.mjs (`pnpm bench`), or directly:
 * `node -e "import('./packages/core/bench/bundle-size.mjs').then(m => m.run()).then(r => console.log(r))"`.
 * The test packages/core/src/client/bundle-size.test.ts fails when a counted bundle grows past the
 * goal or takes in a forbidden input.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The goal for each counted bundle, gzipped. */
export const LIMIT_BYTES = 10 * 1024;

const ENTRIES = [
  { name: '@yizheng/core/client', entry: 'packages/core/src/client/index.ts', counted: true },
  { name: '@yizheng/core/client/sof-presets', entry: 'packages/core/src/client/sof-presets.ts', counted: true },
  { name: '@yizheng/provider-bjca/browser', entry: 'packages/provider-bjca/src/browser/index.ts', counted: true },
  { name: '@yizheng/provider-cfca/browser', entry: 'packages/provider-cfca/src/browser/index.ts', counted: true },
  { name: '@yizheng/provider-huixin/browser', entry: 'packages/provider-huixin/src/browser/index.ts', counted: true },
  { name: '@yizheng/provider-cmca/browser', entry: 'packages/provider-cmca/src/browser/index.ts', counted: true },
  { name: '@yizheng/pkcs11-bridge/browser', entry: 'packages/pkcs11-bridge/src/browser/index.ts', counted: true, optional: true },
  { name: '@yizheng/core/software-token (not counted)', entry: 'packages/core/src/software-token/index.ts', counted: false },
];

const FORBIDDEN_SOURCES = [
  'packages/core/src/asn1/',
  'packages/core/src/cert/',
  'packages/core/src/crypto/',
  'packages/core/src/trust/',
  'packages/core/src/errors/catalogue.ts',
  'packages/core/src/errors/yizheng-error.ts',
];
const FORBIDDEN_PACKAGES = /node_modules\/(\.pnpm\/)?(asn1js|pkijs|@peculiar|jsbn|bn\.js|big-integer|bignumber\.js|node-forge|elliptic|sm-crypto)/;

/** Resolves core's page entries to their sources (the driver packages import them by name). */
const coreSources = {
  name: 'yizheng-core-sources',
  setup(b) {
    const map = {
      '@yizheng/core/client': join(ROOT, 'packages/core/src/client/index.ts'),
      '@yizheng/core/software-token': join(ROOT, 'packages/core/src/software-token/index.ts'),
    };
    b.onResolve({ filter: /^@yizheng\/core\/(client|software-token)$/ }, (args) => ({ path: map[args.path] }));
  },
};

/** Bundles one entry; returns its sizes and inputs (paths relative to the repository). */
export async function measure(entry) {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [coreSources],
  });
  const code = result.outputFiles[0].contents;
  return {
    minifiedBytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    inputs: Object.keys(result.metafile.inputs),
  };
}

/** True when a bundle input is ASN.1, big-number or server-side code. */
export function isForbiddenInput(path) {
  return FORBIDDEN_SOURCES.some((prefix) => path.startsWith(prefix)) || FORBIDDEN_PACKAGES.test(path);
}

export async function run() {
  const results = [];
  for (const { name, entry, counted, optional } of ENTRIES) {
    if (optional && !existsSync(join(ROOT, entry))) continue;
    const { minifiedBytes, gzipBytes, inputs } = await measure(entry);
    const forbiddenInputs = counted ? inputs.filter(isForbiddenInput) : [];
    results.push({
      name,
      counted,
      gzipBytes,
      minifiedBytes,
      limitBytes: counted ? LIMIT_BYTES : null,
      withinLimit: !counted || gzipBytes <= LIMIT_BYTES,
      inputs: inputs.length,
      forbiddenInputs,
    });
  }
  return {
    name: 'bundle-size',
    goal: `each counted page bundle ≤ ${LIMIT_BYTES} bytes gzipped, with no ASN.1, big-number or server code`,
    results,
  };
}
