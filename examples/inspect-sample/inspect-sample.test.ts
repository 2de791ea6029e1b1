/**
 * The sample as a user meets it: `pnpm install` links the `yizheng` executable of @yizheng/core into
 * node_modules/.bin (what `pnpm exec yizheng` and `npx yizheng` run), and the demo script runs.
 * Needs the workspace built (`pnpm build`, part of `pnpm test`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const linked = join(here, 'node_modules/.bin/yizheng');
const built = existsSync(join(here, '../../packages/core/dist/cli.js'));
const ci = process.env['CI'] === 'true';
if (ci && !built) throw new Error('packages/core/dist is missing under CI: build first');
if (ci && !existsSync(linked)) throw new Error(`pnpm install did not link ${linked}: the yizheng bin must be a file that exists before the build`);
if (!existsSync(linked)) console.warn(`[yizheng] ${linked} is not linked (run pnpm install): the linked-bin test is SKIPPED`);

describe.skipIf(!built)('examples/inspect-sample', () => {
  it.skipIf(!existsSync(linked))('runs yizheng from node_modules/.bin, as pnpm exec and npx do', () => {
    const r = spawnSync(linked, ['inspect', join(here, 'sample-chain.pem'), '--lang', 'en', '--now', '2027-01-01T00:00:00Z'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Subject code\s+91350200556207664B \(unified social credit code\)\n/);
    expect(r.stdout).toMatch(/Validity\s+2026-11-21 12:18:19 to 2036-11-18 12:18:19 \(Beijing time\)\n/);
  });

  it('runs the demo script', () => {
    const r = spawnSync(process.execPath, [join(here, 'run.mjs')], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('$ yizheng inspect');
    expect(r.stdout).toMatch(/主体代码\s+91350200556207664B（统一社会信用代码）/);
    expect(r.stdout).toMatch(/结论\s+同一主体/);
  });
});
