/**
 * Benchmark: end-to-end CA login. `verifyLogin` with warm caches and the memory store, per algorithm,
 * next to the raw signature-verify rate of the same signatures in the same rounds (goal: ≥ 0.8× of
 * it). Raw means Node's `crypto.verify` with a prepared KeyObject for RSA-2048 and ECDSA P-256, and
 * Yizheng's own SM2 verifier for SM2 (Node cannot verify standard SM2).
 *
 * Each round prepares N challenges (one per session) and their signatures untimed, then times N
 * logins; the raw loop verifies the same N (text, signature) pairs.
 */
import { createPublicKey, verify } from 'node:crypto';
import { createYizheng, verifyLogin } from '@yizheng/core';
import { verifySignature } from '@yizheng/core/crypto';
import { createMemoryStores } from '@yizheng/core/stores';
import { ORIGIN, setupLogin } from './lib/login-setup.mjs';
import { median, rate } from './lib/measure.mjs';

const ROUNDS = 7;
const WARMUP = 2;
const N = 400;

async function setup(algorithm) {
  const { leaf, context, token } = await setupLogin(algorithm, createMemoryStores());
  const key = createPublicKey({ key: Buffer.from(leaf.key.spki), format: 'der', type: 'spki' });
  const raw = algorithm === 'sm2'
    ? (text, signature) => verifySignature({ publicKey: leaf.key.spki, data: text, signature, format: 'der' })
    : (text, signature) => verify('sha256', Buffer.from(text), key, signature);
  return { context, token, raw };
}

async function measure(algorithm) {
  const { context, token, raw } = await setup(algorithm);
  // The same stores, providers and trust behind a configured instance (its own caches, locale wrap).
  const yizheng = createYizheng({ stores: context.stores, providers: context.providers, trust: context.trust });
  const login = [];
  const rawRates = [];
  const instance = [];
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    const batch = [];
    for (let i = 0; i < N; i++) batch.push({ sessionId: `s${r}-${i}`, ...(await token(`s${r}-${i}`, 'login')) });
    globalThis.gc?.();
    let t0 = process.hrtime.bigint();
    let ok = 0;
    for (const b of batch) if (raw(b.text, b.signature)) ok++;
    const rawNs = Number(process.hrtime.bigint() - t0);
    globalThis.gc?.();
    t0 = process.hrtime.bigint();
    for (const b of batch) {
      const result = await verifyLogin(b.token, { sessionId: b.sessionId, origin: ORIGIN }, context);
      if (result.account.id === 'acct') ok++;
    }
    const loginNs = Number(process.hrtime.bigint() - t0);
    const batch2 = [];
    for (let i = 0; i < N; i++) batch2.push({ sessionId: `i${r}-${i}`, ...(await token(`i${r}-${i}`, 'login')) });
    globalThis.gc?.();
    t0 = process.hrtime.bigint();
    for (const b of batch2) {
      const result = await yizheng.verifyLogin(b.token, { sessionId: b.sessionId, origin: ORIGIN });
      if (result.account.id === 'acct') ok++;
    }
    const instanceNs = Number(process.hrtime.bigint() - t0);
    if (ok !== 3 * N) throw new Error(`${algorithm}: ${3 * N - ok} verifications failed`);
    if (r >= WARMUP) {
      rawRates.push(rate(N, rawNs));
      login.push(rate(N, loginNs));
      instance.push(rate(N, instanceNs));
    }
  }
  const ratio = median(login.map((x, i) => x / rawRates[i]));
  const instanceRatio = median(instance.map((x, i) => x / login[i]));
  return [
    { name: `createYizheng().verifyLogin ${algorithm} (same stores, own caches)`, opsPerSec: Math.round(median(instance)), rounds: ROUNDS, opsPerRound: N },
    { name: `verifyLogin ${algorithm} (memory store, warm caches)`, opsPerSec: Math.round(median(login)), rounds: ROUNDS, opsPerRound: N },
    { name: `raw verify ${algorithm} (baseline)`, opsPerSec: Math.round(median(rawRates)), rounds: ROUNDS, opsPerRound: N },
    { ratio: Number(ratio.toFixed(2)), instanceRatio: Number(instanceRatio.toFixed(2)), algorithm },
  ];
}

export async function run() {
  const results = [];
  const ratios = {};
  for (const algorithm of ['ec', 'rsa', 'sm2']) {
    const [instance, login, raw, { ratio, instanceRatio }] = await measure(algorithm);
    results.push(instance, login, raw);
    ratios[`${algorithm}LoginVsRawVerify`] = ratio;
    ratios[`${algorithm}InstanceVsStandalone`] = instanceRatio;
  }
  return { name: 'verifyLogin', goal: 'login rate ≥ 0.8× raw signature verification', results, ratios };
}
