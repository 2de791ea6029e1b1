/**
 * Benchmark: signature verification.
 *
 * (a) RSA-2048 PKCS#1 v1.5 SHA-256 and ECDSA P-256 (DER) through verifySignature against raw
 *     `crypto.verify` with a prepared KeyObject, same data, key and signature (goal: within 1.2×);
 * (b) SM2-with-SM3 (DER, default user id) through verifySignature against the popular JS library
 *     `sm-crypto` used naively: `doVerifySignature(msg, sig, publicKeyHex, { der: true, hash: true })`
 *     (goal: ≥ 5× for a repeated key). Repeated key: one key, warm caches (its precomputed table
 *     is built on its second use). First-seen key: KEYS distinct keys per round, caches cleared
 *     before each round, so every verification decodes a new key and computes its Z.
 *     When `sm-crypto-v2` is resolvable it is measured the same way (it is not a dependency).
 * (c) SM2 new vs old in the same run: the previous all-BigInt curve code is kept, for this
 *     benchmark only, in lib/sm2-curve-old.mjs. "old" = computeSm2Z + SM3 + DER split + the old
 *     verifyEquation (first-seen: wNAF in BigInt; repeated: the old per-key table), which is less
 *     work around the equation than verifySignature does, so new/old understates the gain.
 *
 * Signatures for SM2 are made by sm-crypto (doSignature with der + hash), so every SM2 figure also
 * checks interoperability. Run through scripts/bench.mjs (`pnpm bench`), which imports the built
 * package; or directly: `node --expose-gc -e "import('./packages/core/bench/verify.mjs').then(m => m.run()).then(r => console.log(r))"`.
 */
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import smCrypto from 'sm-crypto';
import { clearSignatureCaches, verifySignature } from '@yizheng/core/crypto';
import { computeSm2Z, sm3 } from '@yizheng/core/crypto';
import { median, rate, summarize } from './lib/measure.mjs';
import * as oldCurve from './lib/sm2-curve-old.mjs';

const ROUNDS = 9;
const WARMUP = 2;
const KEYS = 300;
const CHALLENGE = 'NDYxNjY1NTEwNzc0NTk1NTM4NTcxOTY0'; // the BJCA challenge's shape: 32 ASCII bytes
const DATA = Buffer.from(CHALLENGE, 'ascii');

let sink = 0;

/**
 * Runs the specs interleaved, round after round (the order rotates), so that a noisy machine
 * affects all of them alike. Each spec: { name, ops, fn, before? }. Returns one result per spec
 * (median, min and max ops/sec over ROUNDS rounds after WARMUP) and the per-round samples.
 */
function measureInterleaved(specs) {
  const samples = specs.map(() => []);
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    for (let k = 0; k < specs.length; k++) {
      const i = (k + r) % specs.length;
      const { ops, fn, before } = specs[i];
      before?.();
      globalThis.gc?.();
      const t0 = process.hrtime.bigint();
      fn();
      const ns = Number(process.hrtime.bigint() - t0);
      if (r >= WARMUP) samples[i].push(rate(ops, ns));
    }
  }
  const results = specs.map((spec, i) => summarize(spec.name, samples[i], spec.ops));
  /** Median over rounds of samples[a] / samples[b]: robust to a machine that slows down for a while. */
  const ratio = (a, b) => Number(median(samples[a].map((x, r) => x / samples[b][r])).toFixed(2));
  return { results, ratio };
}

function loop(times, f) {
  return () => {
    for (let i = 0; i < times; i++) sink += f(i) ? 1 : 0;
  };
}

/** An SM2 key pair from sm-crypto, its SubjectPublicKeyInfo DER, and a DER signature over DATA. */
function sm2Case(lib) {
  const { publicKey, privateKey } = lib.sm2.generateKeyPairHex();
  const spki = Buffer.concat([Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d03420004', 'hex'), Buffer.from(publicKey.slice(2), 'hex')]);
  const sigHex = lib.sm2.doSignature(CHALLENGE, privateKey, { der: true, hash: true });
  return { publicKey, spki, sigHex, sig: Buffer.from(sigHex, 'hex') };
}

/** r and s of a DER SEQUENCE { INTEGER r, INTEGER s } (short lengths, as SM2 signatures have). */
function derRs(sig) {
  const lr = sig[3];
  const r = oldCurve.bytesToBigInt(sig, 4, 4 + lr);
  const ls = sig[5 + lr];
  return [r, oldCurve.bytesToBigInt(sig, 6 + lr, 6 + lr + ls)];
}

/** The pre-WebAssembly verification of `c`: Z and e by the package, the equation by the old code. */
function oldVerify(c, table) {
  const point = Buffer.from(c.publicKey, 'hex');
  const z = computeSm2Z(point);
  const e = oldCurve.bytesToBigInt(sm3(Buffer.concat([z, DATA])));
  const [qx, qy] = oldCurve.decodePoint(point);
  const [r, s] = derRs(c.sig);
  return oldCurve.verifyEquation(qx, qy, table, e, r, s);
}

async function optionalV2() {
  try {
    return (await import('sm-crypto-v2')).default ?? (await import('sm-crypto-v2'));
  } catch {
    return undefined;
  }
}

export async function run() {
  // RSA and ECDSA through Node.
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsaSpki = rsa.publicKey.export({ type: 'spki', format: 'der' });
  const ecSpki = ec.publicKey.export({ type: 'spki', format: 'der' });
  const rsaKey = createPublicKey({ key: rsaSpki, format: 'der', type: 'spki' });
  const ecKey = createPublicKey({ key: ecSpki, format: 'der', type: 'spki' });
  const rsaSig = sign('sha256', DATA, rsa.privateKey);
  const ecSig = sign('sha256', DATA, ec.privateKey);
  for (const [k, s, spki] of [
    [rsaKey, rsaSig, rsaSpki],
    [ecKey, ecSig, ecSpki],
  ]) {
    if (!verify('sha256', DATA, k, s) || !verifySignature({ publicKey: spki, data: DATA, signature: s })) {
      throw new Error('RSA/ECDSA sanity check failed');
    }
  }

  // SM2: one repeated key, KEYS first-seen keys.
  const one = sm2Case(smCrypto);
  const many = Array.from({ length: KEYS }, () => sm2Case(smCrypto));
  for (const c of [one, ...many]) {
    if (!verifySignature({ publicKey: c.spki, data: CHALLENGE, signature: c.sig })) throw new Error('SM2 interop check failed');
  }
  if (!smCrypto.sm2.doVerifySignature(CHALLENGE, one.sigHex, one.publicKey, { der: true, hash: true })) {
    throw new Error('sm-crypto sanity check failed');
  }

  const N_NODE = 4000;
  const N_SM2 = 1000;
  const N_BASE = 50;
  const v2 = await optionalV2();
  const specs = [
    { name: 'node crypto.verify RSA-2048 SHA-256 (KeyObject)', ops: N_NODE, fn: loop(N_NODE, () => verify('sha256', DATA, rsaKey, rsaSig)) },
    { name: 'yizheng verifySignature RSA-2048 SHA-256 (SPKI bytes)', ops: N_NODE, fn: loop(N_NODE, () => verifySignature({ publicKey: rsaSpki, data: DATA, signature: rsaSig })) },
    { name: 'node crypto.verify ECDSA P-256 DER (KeyObject)', ops: N_NODE, fn: loop(N_NODE, () => verify('sha256', DATA, ecKey, ecSig)) },
    { name: 'yizheng verifySignature ECDSA P-256 DER (SPKI bytes)', ops: N_NODE, fn: loop(N_NODE, () => verifySignature({ publicKey: ecSpki, data: DATA, signature: ecSig })) },
    { name: 'yizheng verifySignature SM2 repeated key (DER)', ops: N_SM2, fn: loop(N_SM2, () => verifySignature({ publicKey: one.spki, data: CHALLENGE, signature: one.sig })) },
    {
      name: `yizheng verifySignature SM2 first-seen key (${KEYS} keys, caches cleared)`,
      ops: KEYS,
      fn: loop(KEYS, (i) => verifySignature({ publicKey: many[i].spki, data: CHALLENGE, signature: many[i].sig })),
      before: clearSignatureCaches,
    },
    {
      name: 'sm-crypto 0.5 doVerifySignature {der, hash} (same key)',
      ops: N_BASE,
      fn: loop(N_BASE, () => smCrypto.sm2.doVerifySignature(CHALLENGE, one.sigHex, one.publicKey, { der: true, hash: true })),
    },
  ];
  const oldTable = (() => {
    const [qx, qy] = oldCurve.decodePoint(Buffer.from(one.publicKey, 'hex'));
    return oldCurve.buildFixedTable(qx, qy, 6);
  })();
  for (const c of [one, ...many.slice(0, 20)]) {
    if (!oldVerify(c, undefined) || !oldVerify(one, oldTable)) throw new Error('old SM2 sanity check failed');
  }
  const OLD_FIRST = specs.length;
  specs.push(
    {
      name: `old BigInt SM2 first-seen key (${KEYS} keys, caches cleared; Z + SM3 + old equation)`,
      ops: KEYS,
      fn: loop(KEYS, (i) => oldVerify(many[i], undefined)),
      before: clearSignatureCaches,
    },
    {
      name: 'old BigInt SM2 repeated key (old per-key table; Z + SM3 + old equation)',
      ops: N_SM2,
      fn: loop(N_SM2, () => oldVerify(one, oldTable)),
    },
  );
  if (v2 !== undefined) {
    specs.push({
      name: 'sm-crypto-v2 doVerifySignature {der, hash} (same key)',
      ops: N_BASE * 4,
      fn: loop(N_BASE * 4, () => v2.sm2.doVerifySignature(CHALLENGE, one.sigHex, one.publicKey, { der: true, hash: true })),
    });
  }
  // The first-seen spec clears the caches: the repeated key is warmed again before its own spec.
  specs[4].before = () => {
    for (let i = 0; i < 3; i++) verifySignature({ publicKey: one.spki, data: CHALLENGE, signature: one.sig });
  };
  const { results, ratio } = measureInterleaved(specs);
  clearSignatureCaches();
  if (sink === 0) throw new Error('benchmark was optimised away');
  const ratios = {
    // Node's rate over Yizheng's: the cost of the wrapper (goal ≤ 1.2).
    rsaNodeOverYizheng: ratio(0, 1),
    ecdsaNodeOverYizheng: ratio(2, 3),
    // Yizheng's SM2 rate over the baseline library's (goal ≥ 5 for a repeated key).
    sm2RepeatedVsSmCrypto: ratio(4, 6),
    sm2FirstSeenVsSmCrypto: ratio(5, 6),
    // New code over the previous all-BigInt code, same run (goal ≥ 2 for a first-seen key).
    sm2FirstSeenNewVsOld: ratio(5, OLD_FIRST),
    sm2RepeatedNewVsOld: ratio(4, OLD_FIRST + 1),
  };
  if (v2 !== undefined) {
    ratios.sm2RepeatedVsSmCryptoV2 = ratio(4, OLD_FIRST + 2);
    ratios.sm2FirstSeenVsSmCryptoV2 = ratio(5, OLD_FIRST + 2);
  }
  return { name: 'verifySignature', results, ratios };
}
