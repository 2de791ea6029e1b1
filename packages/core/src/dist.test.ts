/**
 * Checks the built package as a user gets it: the `exports` map for import and require, the
 * declarations, and the `yizheng` executable. Runs after `pnpm build` (part of `pnpm test`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test-utils/vectors';

const CORE = join(REPO_ROOT, 'packages/core');
const built = existsSync(join(CORE, 'dist/index.js'));
if (!built && process.env['CI'] === 'true') throw new Error('packages/core/dist is missing under CI: build first');
if (!built) console.warn('[yizheng] packages/core/dist not built: dist tests are SKIPPED (run pnpm build)');

describe.skipIf(!built)('built @yizheng/core', () => {
  it('exposes the same API through import and require, with declarations for both', async () => {
    const pkg = JSON.parse(readFileSync(join(CORE, 'package.json'), 'utf8')) as {
      exports: Record<string, { import: { types: string; default: string }; require: { types: string; default: string } }>;
    };
    const root = pkg.exports['.'];
    if (!root) throw new Error('no "." export');
    for (const file of [root.import.types, root.import.default, root.require.types, root.require.default]) {
      expect(existsSync(join(CORE, file)), file).toBe(true);
    }
    const esm = (await import(join(CORE, root.import.default))) as Record<string, unknown>;
    const cjs = createRequire(import.meta.url)(join(CORE, root.require.default)) as Record<string, unknown>;
    expect(Object.keys(cjs).sort()).toEqual(Object.keys(esm).sort());
    for (const name of ['createYizheng', 'parseCertificate', 'validateEnterpriseCode', 'compareEnterpriseCodes', 'assessExpiry', 'YizhengError', 'issueChallenge', 'verifyLogin', 'bindCertificate', 'createCertificateTrust']) {
      expect(typeof esm[name], name).toBe('function');
    }
  });

  it('exposes each subpath entry with declarations, for import and (but conformance, which needs vitest) require', async () => {
    const pkg = JSON.parse(readFileSync(join(CORE, 'package.json'), 'utf8')) as {
      exports: Record<string, { import: { types: string; default: string }; require: { types: string; default: string } }>;
    };
    const expected: Record<string, string> = {
      './cert': 'parseCertificates',
      './codes': 'normalizeEnterpriseCode',
      './crypto': 'verifySignature',
      './trust': 'validateCertificatePath',
      './stores': 'createSqliteStores',
      './providers': 'createProfileProvider',
      './errors': 'isYizhengError',
      './http': 'errorResponse',
      './envelope': 'sealEnvelope',
      './client/sof-decrypt': 'withSofDecrypt',
      './testing': 'createTestCa',
      './client': 'requestChallenge',
      './client/sof-presets': 'gdcaProtocol',
      './software-token': 'createSoftwareToken',
      './conformance': 'runProviderConformance',
    };
    for (const [subpath, name] of Object.entries(expected)) {
      const entry = pkg.exports[subpath];
      if (!entry) throw new Error(`no ${subpath} export`);
      for (const file of [entry.import.types, entry.import.default, entry.require.types, entry.require.default]) {
        expect(existsSync(join(CORE, file)), file).toBe(true);
      }
      const esm = (await import(join(CORE, entry.import.default))) as Record<string, unknown>;
      expect(typeof esm[name], `${subpath} ${name}`).toBe('function');
      if (subpath !== './conformance') {
        const cjs = createRequire(import.meta.url)(join(CORE, entry.require.default)) as Record<string, unknown>;
        expect(Object.keys(cjs).sort(), subpath).toEqual(Object.keys(esm).sort());
      }
    }
  });

  it('runs the yizheng executable with the documented exit codes', () => {
    const cli = join(CORE, 'dist/cli.js');
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const ok = spawnSync(process.execPath, [cli, 'code', '55620766-4', '--json'], { encoding: 'utf8' });
    expect([ok.status, JSON.parse(ok.stdout).kind]).toEqual([0, 'org-code']);
    const bad = spawnSync(process.execPath, [cli, 'inspect', '-'], { input: 'garbage', encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('[CERT_MALFORMED]');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(spawnSync(process.execPath, [cli, 'nope'], { encoding: 'utf8' }).status).toBe(2);
    const version = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
