/**
 * The SoftHSM2 tokens `scripts/softhsm.sh` prepares, for tests. Under CI=true a missing setup is a
 * failure; locally the tests skip and say how to run them.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What scripts/softhsm.sh wrote to .tools/softhsm/fixtures.json. */
export interface SoftHsmFixtures {
  /** libsofthsm2.so. */
  readonly module: string;
  /** The SOFTHSM2_CONF file. */
  readonly conf: string;
  /** The user PIN of both tokens. */
  readonly userPin: string;
  /** The USCC in the certificates. */
  readonly uscc: string;
  /** The test CA certificate (PEM file). */
  readonly ca: string;
  /** The tokens: label and CKA_ID (hex) of each certificate. */
  readonly tokens: {
    readonly main: { readonly label: string; readonly certificates: Readonly<Record<'rsa-sign' | 'ec-sign' | 'ec-enc' | 'sm2-sign' | 'ca', string>> };
    readonly pin: { readonly label: string; readonly certificates: Readonly<Record<'pin-sign', string>> };
  };
}

const DEFAULT_FIXTURES = fileURLToPath(new URL('../../../../.tools/softhsm/fixtures.json', import.meta.url));

function fixturesPath(): string {
  return process.env['YZ_SOFTHSM_FIXTURES'] ?? DEFAULT_FIXTURES;
}

/**
 * Runs `run` holding the token labelled `label` alone: test files run in parallel processes, and a
 * wrong PIN (COUNT_LOW) or a changed PIN on a shared token must not show up in another file's test.
 * The lock is a directory next to the fixtures; one left by a crashed run is broken after a minute.
 */
export async function withSoftHsmToken<T>(label: string, run: () => Promise<T>): Promise<T> {
  const lock = join(dirname(fixturesPath()), `lock-${label}`);
  for (let waited = 0; ; waited += 20) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      if (waited > 60_000) throw new Error(`SoftHSM token ${label} stayed locked by another test`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  try {
    return await run();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The fixtures, or a reason they are absent (a failure under CI=true). Sets SOFTHSM2_CONF for the module. */
export function loadSoftHsm(): { fixtures: SoftHsmFixtures; skip: null } | { fixtures: null; skip: string } {
  const path = fixturesPath();
  const missing = (why: string): { fixtures: null; skip: string } => {
    const message = `SoftHSM tokens not set up (${why}): run bash scripts/softhsm.sh`;
    if (process.env['CI'] === 'true') throw new Error(`CI=true: ${message}`);
    process.stderr.write(`[skip] ${message}\n`);
    return { fixtures: null, skip: message };
  };
  if (!existsSync(path)) return missing(`${path} is missing`);
  const fixtures = JSON.parse(readFileSync(path, 'utf8')) as SoftHsmFixtures;
  if (!existsSync(fixtures.module)) return missing(`${fixtures.module} is missing`);
  if (!existsSync(fixtures.conf)) return missing(`${fixtures.conf} is missing`);
  process.env['SOFTHSM2_CONF'] = fixtures.conf;
  return { fixtures, skip: null };
}
