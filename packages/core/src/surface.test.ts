/**
 * The public surface stays sized for platform developers: the main entry holds what a platform
 * calls and the contracts it implements; everything else lives on a subpath.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as main from './index';

/** The budget: jose has 38 runtime exports, @simplewebauthn/server 10. */
const MAIN_RUNTIME_EXPORT_BUDGET = 40;

const src = new URL('.', import.meta.url).pathname;

function importsOf(folder: string): string[] {
  return readdirSync(join(src, folder))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .flatMap((f) => [...readFileSync(join(src, folder, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => `${f}: ${m[1]}`));
}

describe('the public surface', () => {
  it(`keeps the main entry at ${MAIN_RUNTIME_EXPORT_BUDGET} runtime exports or fewer`, () => {
    const names = Object.keys(main);
    expect(names.length, names.join(' ')).toBeLessThanOrEqual(MAIN_RUNTIME_EXPORT_BUDGET);
    for (const verb of ['createYizheng', 'issueChallenge', 'verifyLogin', 'bindCertificate', 'unbindCertificate', 'listBindings', 'YizhengError']) {
      expect(names).toContain(verb);
    }
  });

  it('exports no cache setters, migrations or internal steps from the main entry', () => {
    for (const internal of ['setCertificateCacheSize', 'setSm2TableCacheSize', 'SQLITE_MIGRATIONS', 'POSTGRES_MIGRATIONS', 'verifyToken', 'consumeChallenge', 'findBinding', 'certificateFacts', 'parseLoginToken']) {
      expect(Object.keys(main)).not.toContain(internal);
    }
  });

  it('keeps login/ and binding/ independent of each other', () => {
    expect(importsOf('login').filter((i) => i.includes('/binding/'))).toEqual([]);
    expect(importsOf('binding').filter((i) => i.includes('/login/'))).toEqual([]);
  });
});
