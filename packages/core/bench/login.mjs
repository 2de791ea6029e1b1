/**
 * Benchmark: end-to-end CA login against the raw signature-verify rate of the same signatures in the
 * same rounds (goal: ≥ 0.8× of it). Raw means Node's `crypto.verify` with a prepared KeyObject for
 * RSA-2048 and ECDSA P-256, and Yizheng's own SM2 verifier for SM2 (Node cannot verify standard SM2);
 * it runs on one core, as `verifyLogin` does.
 *
 * Per algorithm, one holder (warm caches), per store:
 *   - sequential: one login at a time (`await` each), as a single client sees it; on the memory store
 *     also through a `createYizheng` instance (its own caches, locale wrap);
 *   - burst: 64 logins in flight, as at bid opening; on a SQLite file the calls that queue up share
 *     one commit (group commit), so the disk sync is paid once per batch, not once per login.
 * Stores: memory; a SQLite file with `synchronous: 'full'` (the default: the commit reaches the disk)
 * and with `'normal'` (synced at checkpoints). Each round prepares N challenges and signatures untimed,
 * times the raw loop over them, then the logins.
 */
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createYizheng, verifyLogin } from '@yizheng/core';
import { verifySignature } from '@yizheng/core/crypto';
import { createMemoryStores, createSqliteStores } from '@yizheng/core/stores';
import { ORIGIN, setupLogin } from './lib/login-setup.mjs';
import { median, rate } from './lib/measure.mjs';

const ROUNDS = 7;
const WARMUP = 2;
const N = 400;
const BURST = 64;
const STORES = ['memory', 'sqlite', 'sqlite-normal'];
const STORE_LABEL = { memory: 'memory store', sqlite: "SQLite file, synchronous 'full'", 'sqlite-normal': "SQLite file, synchronous 'normal'" };

function openStores(kind, dir) {
  if (kind === 'memory') return createMemoryStores();
  return createSqliteStores({ path: join(dir, `${kind}.sqlite`), synchronous: kind === 'sqlite' ? 'full' : 'normal' });
}

/** Logs every prepared login in, at most `inFlight` at once; counts the successes. */
async function logins(batch, inFlight, login) {
  let ok = 0;
  let next = 0;
  const worker = async () => {
    while (next < batch.length) {
      const b = batch[next++];
      const result = await login(b);
      if (result.account.id === 'acct') ok++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return ok;
}

async function measure(algorithm, kind, dir) {
  const stores = openStores(kind, dir);
  try {
    const { leaf, context, token } = await setupLogin(algorithm, stores);
    const key = createPublicKey({ key: Buffer.from(leaf.key.spki), format: 'der', type: 'spki' });
    const raw = algorithm === 'sm2'
      ? (text, signature) => verifySignature({ publicKey: leaf.key.spki, data: text, signature, format: 'der' })
      : (text, signature) => verify('sha256', Buffer.from(text), key, signature);
    // The same stores, providers and trust behind a configured instance (its own caches, locale wrap).
    const yizheng = createYizheng({ stores: context.stores, providers: context.providers, trust: context.trust });
    const modes = { sequential: 1, burst: BURST, ...(kind === 'memory' && { instance: 1 }) };
    const rates = Object.fromEntries([...Object.keys(modes), 'raw'].map((m) => [m, []]));
    for (let r = 0; r < WARMUP + ROUNDS; r++) {
      for (const [mode, inFlight] of Object.entries(modes)) {
        const batch = [];
        for (let i = 0; i < N; i++) batch.push({ sessionId: `${mode}${r}-${i}`, ...(await token(`${mode}${r}-${i}`, 'login')) });
        globalThis.gc?.();
        let t0 = process.hrtime.bigint();
        let ok = 0;
        for (const b of batch) if (raw(b.text, b.signature)) ok++;
        const rawNs = Number(process.hrtime.bigint() - t0);
        globalThis.gc?.();
        const login = mode === 'instance'
          ? (b) => yizheng.verifyLogin(b.token, { sessionId: b.sessionId, origin: ORIGIN })
          : (b) => verifyLogin(b.token, { sessionId: b.sessionId, origin: ORIGIN }, context);
        t0 = process.hrtime.bigint();
        ok += await logins(batch, inFlight, login);
        const loginNs = Number(process.hrtime.bigint() - t0);
        if (ok !== 2 * N) throw new Error(`${algorithm} ${kind} ${mode}: ${2 * N - ok} verifications failed`);
        if (r >= WARMUP) {
          rates[mode].push({ login: rate(N, loginNs), raw: rate(N, rawNs) });
          if (mode === 'sequential') rates.raw.push(rate(N, rawNs));
        }
      }
    }
    return { modes: Object.keys(modes), rates };
  } finally {
    await stores.close?.();
  }
}

export async function run() {
  const results = [];
  const ratios = {};
  const dir = mkdtempSync(join(tmpdir(), 'yz-login-bench-'));
  try {
    for (const algorithm of ['ec', 'rsa', 'sm2']) {
      for (const kind of STORES) {
        const { modes, rates } = await measure(algorithm, kind, dir);
        for (const mode of modes) {
          const samples = rates[mode];
          const ratio = median(samples.map((s) => s.login / s.raw));
          const label = mode === 'instance'
            ? `createYizheng().verifyLogin ${algorithm} sequential (${STORE_LABEL[kind]}, own caches)`
            : `verifyLogin ${algorithm} ${mode === 'burst' ? `burst of ${BURST} in flight` : 'sequential'} (${STORE_LABEL[kind]}, warm caches)`;
          results.push({ name: label, opsPerSec: Math.round(median(samples.map((s) => s.login))), rounds: ROUNDS, opsPerRound: N, ratioToRawVerify: Number(ratio.toFixed(2)) });
          ratios[`${algorithm}-${kind}-${mode} login/raw`] = Number(ratio.toFixed(2));
        }
        if (kind === 'memory') results.push({ name: `raw verify ${algorithm} (baseline, one core)`, opsPerSec: Math.round(median(rates.raw)), rounds: ROUNDS, opsPerRound: N });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { name: 'verifyLogin', goal: 'login rate ≥ 0.8× raw signature verification (same pairs, same round)', results, ratios };
}
