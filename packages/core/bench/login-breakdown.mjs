/**
 * Benchmark: where a login's time goes, beyond the signature. The public steps of `verifyLogin`, each
 * timed alone in the same process (µs per call, median of rounds): Node's raw verify (the baseline),
 * Yizheng's `verifySignature` over the same signature, the cached certificate parse, the trust check
 * (cached path), the challenge put + consume, the binding lookup and the audit append on the memory
 * store and on a SQLite file (`synchronous` full, the default: a disk sync per commit; and normal),
 * and the whole `verifyLogin`. What is left after the steps is the glue (token
 * parsing, identity, expiry, promises).
 */
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificate, verifyLogin } from '@yizheng/core';
import { verifySignature } from '@yizheng/core/crypto';
import { createMemoryStores, createSqliteStores } from '@yizheng/core/stores';
import { ORIGIN, setupLogin } from './lib/login-setup.mjs';
import { median } from './lib/measure.mjs';

const N = 2000;
const ROUNDS = 5;

async function perCall(n, fn) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  return Number(process.hrtime.bigint() - t0) / n / 1000;
}

async function breakdown(algorithm, storeKind) {
  const dir = mkdtempSync(join(tmpdir(), 'yz-breakdown-'));
  const stores = storeKind === 'memory' ? createMemoryStores()
    : createSqliteStores({ path: join(dir, 'b.sqlite'), synchronous: storeKind === 'sqlite-normal' ? 'normal' : 'full' });
  await stores.migrate?.();
  try {
    const { leaf, context, token, binding, certificate } = await setupLogin(algorithm, stores);
    const key = createPublicKey({ key: Buffer.from(leaf.key.spki), format: 'der', type: 'spki' });
    const parsed = parseCertificate(leaf.der);
    const provider = context.providers.identify(parsed).provider;
    const steps = { raw: [], verifySignature: [], parse: [], trust: [], challenge: [], lookup: [], audit: [], login: [] };
    for (let r = 0; r < ROUNDS + 1; r++) {
      const batch = [];
      for (let i = 0; i < N; i++) batch.push({ sessionId: `s${r}-${i}`, ...(await token(`s${r}-${i}`, 'login')) });
      const bytes = batch.map((b) => Buffer.from(b.text));
      const row = {
        raw: await perCall(N, (i) => verify('sha256', bytes[i], key, batch[i].signature)),
        verifySignature: await perCall(N, (i) => verifySignature({ publicKey: leaf.key.spki, data: batch[i].text, signature: batch[i].signature })),
        parse: await perCall(N, () => parseCertificate(certificate)),
        trust: await perCall(N, () => context.trust.validate(parsed, { provider, at: new Date() })),
        challenge: await perCall(N, async (i) => {
          await stores.challenges.put({ sessionId: `c${r}-${i}`, purpose: 'login', nonce: randomBytes(32).toString('base64url'), origin: ORIGIN, issuedAt: new Date(), expiresAt: new Date(Date.now() + 60_000) });
          await stores.challenges.consume(`c${r}-${i}`, 'login');
        }),
        lookup: await perCall(N, () => stores.bindings.findByIdentity(binding.scope, binding.identityKey)),
        audit: await perCall(N, () => stores.audit.append({ type: 'login', actorAccountId: 'acct', bindingId: binding.id, certificate: { serialNumber: parsed.serialNumber, sha256: parsed.sha256 } })),
        login: await perCall(N, (i) => verifyLogin(batch[i].token, { sessionId: batch[i].sessionId, origin: ORIGIN }, context)),
      };
      if (r > 0) for (const [k, v] of Object.entries(row)) steps[k].push(v);
    }
    const med = Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, Number(median(v).toFixed(1))]));
    const parts = med.verifySignature + med.parse + med.trust + med.challenge + med.lookup + med.audit;
    return { algorithm, store: storeKind, microseconds: { ...med, glue: Number((med.login - parts).toFixed(1)) }, loginVsRaw: Number((med.raw / med.login).toFixed(2)) };
  } finally {
    await stores.close?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run() {
  const rows = [];
  for (const algorithm of ['ec', 'rsa']) for (const store of ['memory', 'sqlite', 'sqlite-normal']) rows.push(await breakdown(algorithm, store));
  return {
    name: 'login breakdown',
    goal: 'find where verifyLogin spends its time beyond the signature (µs per call)',
    results: rows.map((r) => ({ name: `verifyLogin ${r.algorithm} ${r.store}: ${JSON.stringify(r.microseconds)}`, opsPerSec: Math.round(1e6 / r.microseconds.login), ...r })),
    ratios: Object.fromEntries(rows.map((r) => [`${r.algorithm}-${r.store} login/raw`, r.loginVsRaw])),
  };
}
