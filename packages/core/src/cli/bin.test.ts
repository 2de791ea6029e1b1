/**
 * The built `yizheng` executable, run as a user runs it: through the `bin` of package.json, in a
 * child process, with the machine's time zone set to UTC. Runs after `pnpm build` (part of `pnpm test`).
 */
import { spawnSync, type SpawnSyncOptionsWithStringEncoding } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/vectors';
import type { InspectJson } from './inspect';
import { PROVIDER_PACKAGES } from './providers';

const CORE = join(REPO_ROOT, 'packages/core');
const built = existsSync(join(CORE, 'dist/cli.js'));
if (!built && process.env['CI'] === 'true') throw new Error('packages/core/dist/cli.js is missing under CI: build first');
if (!built) console.warn('[yizheng] packages/core/dist/cli.js not built: CLI subprocess tests are SKIPPED (run pnpm build)');

const manifest = JSON.parse(readFileSync(join(CORE, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
const BIN = join(CORE, manifest.bin?.['yizheng'] ?? 'missing');
const SAMPLE = join(REPO_ROOT, 'examples/inspect-sample/sample-chain.pem');
const NOW = '2027-01-01T00:00:00Z';

const providerDirs = PROVIDER_PACKAGES.map((name) => join(REPO_ROOT, 'packages', name.replace('@yizheng/', '')));
const providersBuilt = providerDirs.every((dir) => existsSync(join(dir, 'dist/index.js')));

// pnpm exec puts its store on NODE_PATH, where every workspace package resolves: not what a user has.
const { NODE_PATH: _nodePath, ...ENV } = process.env;

function yizheng(args: string[], options: { cwd?: string; tz?: string; input?: string | Uint8Array } = {}) {
  const spawnOptions: SpawnSyncOptionsWithStringEncoding = {
    encoding: 'utf8',
    cwd: options.cwd ?? tmpdir(),
    env: { ...ENV, TZ: options.tz ?? 'UTC' },
    ...(options.input !== undefined && { input: options.input }),
  };
  const r = spawnSync(process.execPath, [BIN, ...args], spawnOptions);
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe.skipIf(!built)('the built yizheng executable, through its package.json bin', () => {
  it('is a file the package manager can link: present in the repository, executable, with a shebang', () => {
    expect(manifest.bin?.['yizheng'], 'package.json bin.yizheng').toBeTruthy();
    expect(existsSync(BIN), BIN).toBe(true);
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(BIN).mode & 0o111, 'executable bits').not.toBe(0);
  });

  it('answers --version and --help with exit 0, a wrong command line with exit 2', () => {
    expect(yizheng(['--version'])).toMatchObject({ code: 0, out: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    expect(yizheng(['--help'])).toMatchObject({ code: 0, out: expect.stringContaining('用法 / Usage:') });
    const wrong = yizheng(['frobnicate', '--lang', 'en']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/^yizheng: \[INVALID_ARGUMENT\] Invalid argument: unknown command "frobnicate"\n/);
  });

  it('shows dates in Beijing time on a machine set to UTC, and the same elsewhere', () => {
    const utc = yizheng(['inspect', SAMPLE, '--now', NOW], { tz: 'UTC' });
    expect(utc.code).toBe(0);
    expect(utc.out).toMatch(/有效期\s+2026-11-21 12:18:19 至 2036-11-18 12:18:19 \(北京时间\)\n/);
    expect(utc.out).toContain('有效期至2036-11-18 12:18:19，北京时间');
    expect(yizheng(['inspect', SAMPLE, '--now', NOW], { tz: 'America/New_York' }).out).toBe(utc.out);
    expect(yizheng(['inspect', SAMPLE, '--now', NOW, '--lang', 'en']).out).toMatch(/Validity\s+2026-11-21 12:18:19 to 2036-11-18 12:18:19 \(Beijing time\)\n/);
  });

  it('prints errors as JSON with --json, with a non-zero exit code', () => {
    const usage = yizheng(['inspect', '--json']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.out).error).toMatchObject({ code: 'INVALID_ARGUMENT', message: { 'zh-CN': expect.any(String), en: expect.any(String) }, remedy: { en: expect.any(String) } });
    const missing = yizheng(['inspect', '/nonexistent/cert.pem', '--json']);
    expect([missing.code, JSON.parse(missing.out).error.code]).toEqual([1, 'FILE_UNREADABLE']);
    const junk = yizheng(['inspect', '-', '--json'], { input: Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) });
    expect(junk.code).toBe(1);
    expect(JSON.parse(junk.out).error).toMatchObject({ code: 'CERT_MALFORMED', message: { en: expect.stringContaining('not a certificate (DER, PEM or base64)') } });
    expect(junk.err).toBe('');
  });

  it('says "not a certificate" for random bytes and an empty file, in both languages', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yizheng-bin-'));
    const random = join(dir, 'random.cer');
    writeFileSync(random, Uint8Array.from({ length: 256 }, (_, i) => (i * 151 + 7) % 256 || 1));
    const empty = join(dir, 'empty.cer');
    writeFileSync(empty, '');
    for (const file of [random, empty]) {
      const zh = yizheng(['inspect', file]);
      expect(zh.code).toBe(1);
      expect(zh.err).toContain('不是证书（应为 DER、PEM 或 Base64 格式）');
      expect(yizheng(['inspect', file, '--lang', 'en']).err).toContain('not a certificate (DER, PEM or base64)');
    }
  });

  describe.skipIf(!providersBuilt)('with the provider packages installed in the current folder', () => {
    it('names the CA and reads the code by its rules, and says which packages it loaded', () => {
      const project = mkdtempSync(join(tmpdir(), 'yizheng-project-'));
      mkdirSync(join(project, 'node_modules/@yizheng'), { recursive: true });
      PROVIDER_PACKAGES.forEach((name, i) => symlinkSync(providerDirs[i] as string, join(project, 'node_modules', name), 'dir'));
      const keys = join(project, 'keys');
      expect(yizheng(['test-ca', keys, '--profile', 'bjca', '--key', 'sm2', '--uscc', '91350200556207664B']).code).toBe(0);

      const r = yizheng(['inspect', join(keys, 'sign.pem'), '--json'], { cwd: project });
      expect(r.code, r.err).toBe(0);
      const json = JSON.parse(r.out) as InspectJson;
      expect(json.providers).toEqual({ loaded: PROVIDER_PACKAGES.map((p) => ({ package: p, provider: p.replace('@yizheng/provider-', '') })), missing: [], failed: [] });
      expect(json.ca).toMatchObject({ id: 'bjca', provider: 'bjca', namedBy: 'provider', name: { en: 'Beijing Certificate Authority (BJCA)' } });
      // The BJCA layout: JJ + organisation code in 1.2.156.112562.2.1.1.1, read by the BJCA provider only.
      expect(json.identity).toMatchObject({ orgCode: '556207664', vendorUid: 'JJ556207664', source: { orgCode: 'extension:1.2.156.112562.2.1.1.1' } });
      const text = yizheng(['inspect', join(keys, 'sign.pem'), '--verbose'], { cwd: project });
      expect(text.out).toMatch(/CA机构\s+北京数字认证 \(BJCA\)\n/);
      expect(text.out).toMatch(/主体代码\s+55620766-4（组织机构代码）\n/);
      expect(text.out).toMatch(/CA插件\s+已加载：@yizheng\/provider-bjca、@yizheng\/provider-cfca、@yizheng\/provider-huixin、@yizheng\/provider-cmca\n/);

      // Elsewhere none is installed: the CA is named from its issuer, the generic rules read no code.
      const bare = JSON.parse(yizheng(['inspect', join(keys, 'sign.pem'), '--json'], { cwd: tmpdir() }).out) as InspectJson;
      expect(bare.providers.loaded).toEqual([]);
      expect(bare.ca).toMatchObject({ id: 'bjca', provider: 'generic', namedBy: 'directory' });
    });
  });
});
