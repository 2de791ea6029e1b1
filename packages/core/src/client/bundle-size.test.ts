/**
 * The page bundles stay small and free of ASN.1 / big-number / server code: runs the bundle-size
 * benchmark (packages/core/bench/bundle-size.mjs) and fails on a regression.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/vectors';

interface BundleResult {
  readonly name: string;
  readonly counted: boolean;
  readonly gzipBytes: number;
  readonly limitBytes: number | null;
  readonly withinLimit: boolean;
  readonly forbiddenInputs: readonly string[];
}
interface BenchModule {
  run(): Promise<{ readonly name: string; readonly results: readonly BundleResult[] }>;
  measure(entry: string): Promise<{ readonly inputs: readonly string[] }>;
  isForbiddenInput(path: string): boolean;
  readonly LIMIT_BYTES: number;
}

const bench = (await import(pathToFileURL(join(REPO_ROOT, 'packages/core/bench/bundle-size.mjs')).href)) as BenchModule;

describe('page bundle size', () => {
  it('keeps the client entry and every vendor driver within 10 KiB gzipped, with no ASN.1 or big-number code', async () => {
    const report = await bench.run();
    expect(report.name).toBe('bundle-size');
    const counted = report.results.filter((r) => r.counted);
    expect(counted.map((r) => r.name)).toEqual(expect.arrayContaining([
      '@yizheng/core/client',
      '@yizheng/provider-bjca/browser',
      '@yizheng/provider-cfca/browser',
      '@yizheng/provider-huixin/browser',
      '@yizheng/provider-cmca/browser',
    ]));
    for (const r of counted) {
      expect(r.gzipBytes, `${r.name}: ${r.gzipBytes} bytes gzipped`).toBeLessThanOrEqual(bench.LIMIT_BYTES);
      expect(r.withinLimit).toBe(true);
      expect(r.forbiddenInputs, r.name).toEqual([]);
    }
    expect(report.results.some((r) => !r.counted && r.name.includes('software-token'))).toBe(true);
  });

  it('would notice ASN.1 code (the software token takes it in, for SM2 and CMS)', async () => {
    const { inputs } = await bench.measure('packages/core/src/software-token/index.ts');
    expect(inputs.filter((i) => bench.isForbiddenInput(i)).length).toBeGreaterThan(0);
    expect(bench.isForbiddenInput('node_modules/.pnpm/asn1js@3.0.5/node_modules/asn1js/build/index.es.js')).toBe(true);
    expect(bench.isForbiddenInput('packages/core/src/client/sof.ts')).toBe(false);
  });
});
