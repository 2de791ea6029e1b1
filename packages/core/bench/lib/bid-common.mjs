/**
 * What the bid-opening benchmark and its worker processes (lib/login-node.mjs) share: opening the
 * store a run describes, building a fresh Yizheng instance on it, and the timed login burst.
 */
import { createCertificateTrust, createProviderRegistry, createYizheng } from '@yizheng/core';
import { createMysqlStores, createPostgresStores, createSqliteStores } from '@yizheng/core/stores';
import { createTrustStore } from '@yizheng/core/trust';

export const ORIGIN = 'https://bid.example.gov.cn';

/**
 * Opens the stores `config` names: `{ kind: 'sqlite', path }`, `{ kind: 'postgres', url, schema }`
 * or `{ kind: 'mysql', url, database }`. SQLite migrates on open; the SQL servers' tables are made
 * by the parent's `migrate()`.
 */
export function openStores(config, poolSize = 16) {
  switch (config.kind) {
    case 'sqlite':
      return createSqliteStores({ path: config.path });
    case 'postgres':
      return createPostgresStores({ connectionString: config.url, schema: config.schema, poolSize });
    case 'mysql':
      return createMysqlStores({ uri: config.url, database: config.database, poolSize });
    default:
      throw new Error(`unknown store kind ${String(config.kind)}`);
  }
}

/**
 * A new instance on `stores` trusting only `caDer` (base64 or bytes), revocation off, with its own
 * (cold) certificate and SM2 caches and a challenge lifetime long enough for a prepared burst.
 */
export function freshYizheng(stores, caDer) {
  const anchor = typeof caDer === 'string' ? new Uint8Array(Buffer.from(caDer, 'base64')) : caDer;
  return createYizheng({
    stores,
    providers: createProviderRegistry([]),
    trust: createCertificateTrust({ trustStore: createTrustStore(anchor), revocation: { policy: 'off' } }),
    challengeTtlMs: 60 * 60 * 1000,
  });
}

/** Runs `fn(item, i)` over `items` with at most `concurrency` in flight. */
export async function pool(items, concurrency, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * The burst: every `{ sessionId, accountId, token }` logs in through `yizheng.verifyLogin`, at most
 * `concurrency` at once. Returns `{ latencies (ms, in completion order), wallMs, failures, firstError }`;
 * a login that throws or names another account counts as a failure.
 */
export async function loginBurst(yizheng, logins, concurrency) {
  const latencies = [];
  let failures = 0;
  let firstError;
  const t0 = performance.now();
  await pool(logins, concurrency, async ({ sessionId, accountId, token }) => {
    const start = performance.now();
    try {
      const result = await yizheng.verifyLogin(token, { sessionId, origin: ORIGIN });
      if (result.account.id !== accountId) throw new Error(`logged in as ${result.account.id}, expected ${accountId}`);
    } catch (err) {
      failures++;
      firstError ??= err instanceof Error ? `${err.code ?? err.name}: ${err.message}` : String(err);
    }
    latencies.push(performance.now() - start);
  });
  return { latencies, wallMs: performance.now() - t0, failures, firstError };
}

/** The `p`-th percentile (0–100, nearest rank) of `xs`. */
export function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
