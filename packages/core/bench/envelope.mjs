/**
 * Benchmark: digital envelopes (1 KiB content, one recipient).
 *
 * (a) sealEnvelope / openEnvelope for an SM2 recipient (GM/T 0010: pure-JS SM2 key transport,
 *     SM4-CBC through Node) and an RSA-2048 recipient (RSAES-OAEP SHA-256, AES-256-CBC);
 * (b) the key-transport step alone: Yizheng's sm2Encrypt / sm2Decrypt of a 16-byte key, and for
 *     RSA Node's own crypto.publicEncrypt / privateDecrypt (OAEP SHA-256, 32-byte key) as the
 *     baseline that the RSA envelope rates should stay close to;
 * (c) context only, not a like-for-like baseline: sm-crypto 0.5's SM2 doEncrypt / doDecrypt (the
 *     popular pure-JS library, C1C3C2), and `openssl speed -seconds 1 sm2` run in the same process
 *     tree, which reports OpenSSL's SM2 *signature* sign/verify rates (OpenSSL has no in-process
 *     SM2 encryption benchmark, and timing N `openssl pkeyutl` processes would measure process
 *     start-up). An SM2 encryption costs two scalar multiplications (like a verify), a decryption
 *     one (like a sign), so those rates bound what a native SM2 encryption would reach.
 *
 * Run through scripts/bench.mjs (`pnpm bench`), which builds first; or directly:
 * `node --expose-gc -e "import('./packages/core/bench/envelope.mjs').then(m => m.run()).then(r => console.log(r))"`.
 */
import { spawnSync } from 'node:child_process';
import { constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import smCrypto from 'sm-crypto';
import { openEnvelope, sealEnvelope, sm2Decrypt, sm2Encrypt } from '@yizheng/core/envelope';
import { createTestCa, issueCertificate, privateKeyToPem } from '@yizheng/core/testing';
import { measure } from './lib/measure.mjs';

const ROUNDS = 7;
const WARMUP = 2;
const CONTENT = new Uint8Array(randomBytes(1024));

let sink = 0;

function loop(times, f) {
  return () => {
    for (let i = 0; i < times; i++) sink += f(i).length;
  };
}

/** OpenSSL's SM2 sign/verify rates from `openssl speed`, or undefined when it cannot be run. */
function opensslSm2Speed() {
  const r = spawnSync('openssl', ['speed', '-seconds', '1', 'sm2'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) return undefined;
  const m = /SM2 \(CurveSM2\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)/.exec(r.stdout);
  return m ? { sign: Number(m[1]), verify: Number(m[2]), version: spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim() } : undefined;
}

export async function run() {
  const sm2Ca = createTestCa({ keyAlgorithm: 'sm2' });
  const sm2 = issueCertificate({ subject: 'CN=SM2 bench', issuer: sm2Ca, keyUsage: ['keyEncipherment', 'dataEncipherment'] });
  const rsaCa = createTestCa({ keyAlgorithm: 'rsa' });
  const rsa = issueCertificate({ subject: 'CN=RSA bench', issuer: rsaCa, keyUsage: ['keyEncipherment'] });
  const sm2Key = createPrivateKey(privateKeyToPem(sm2.key));
  const rsaKey = createPrivateKey(privateKeyToPem(rsa.key));
  const rsaPub = createPublicKey(rsaKey);
  const point = sm2.certificate.publicKey.point;
  // d: the OCTET STRING after ECPrivateKey's version (02 01 01 04 20 ‖ d) in the PKCS#8.
  const pkcs8 = sm2Key.export({ type: 'pkcs8', format: 'der' });
  const at = pkcs8.indexOf(Buffer.from('0201010420', 'hex')) + 5;
  const sm2D = new Uint8Array(pkcs8.subarray(at, at + 32));

  const sm2Env = sealEnvelope({ content: CONTENT, recipients: [sm2.certificate] });
  const rsaEnv = sealEnvelope({ content: CONTENT, recipients: [rsa.certificate] });
  const cek16 = new Uint8Array(randomBytes(16));
  const cek32 = new Uint8Array(randomBytes(32));
  const sm2Ct = sm2Encrypt(point, cek16);
  const oaep = { key: rsaPub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
  const rsaCt = publicEncrypt(oaep, cek32);
  const pubHex = Buffer.from(point).toString('hex');
  const smCt = smCrypto.sm2.doEncrypt([...cek16], pubHex, 1);
  // Sanity: everything decrypts to what was encrypted.
  const same = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
  const checks = [
    same(openEnvelope({ envelope: sm2Env, privateKey: sm2Key, certificate: sm2.certificate }), CONTENT),
    same(openEnvelope({ envelope: rsaEnv, privateKey: rsaKey, certificate: rsa.certificate }), CONTENT),
    same(sm2Decrypt(sm2D, sm2Ct), cek16),
    same(sm2Decrypt(sm2D, Buffer.from(smCt, 'hex')), cek16),
    same(privateDecrypt({ ...oaep, key: rsaKey }, rsaCt), cek32),
  ];
  if (checks.includes(false)) throw new Error(`envelope bench sanity check failed: ${checks}`);
  const privHex = Buffer.from(sm2D).toString('hex');

  const N_SM2 = 40;
  const N_RSA_SEAL = 400;
  const N_RSA_OPEN = 60;
  const N_SMC = 10;
  const opt = { rounds: ROUNDS, warmup: WARMUP };
  const results = [
    await measure('yizheng sealEnvelope SM2 (1 KiB, SM4-CBC)', N_SM2, loop(N_SM2, () => sealEnvelope({ content: CONTENT, recipients: [sm2.certificate] })), opt),
    await measure('yizheng openEnvelope SM2 (1 KiB, KeyObject)', N_SM2, loop(N_SM2, () => openEnvelope({ envelope: sm2Env, privateKey: sm2Key, certificate: sm2.certificate })), opt),
    await measure('yizheng sm2Encrypt (16-byte key)', N_SM2, loop(N_SM2, () => sm2Encrypt(point, cek16)), opt),
    await measure('yizheng sm2Decrypt (16-byte key)', N_SM2, loop(N_SM2, () => sm2Decrypt(sm2D, sm2Ct)), opt),
    await measure('sm-crypto 0.5 sm2.doEncrypt (16-byte key, context)', N_SMC, loop(N_SMC, () => smCrypto.sm2.doEncrypt([...cek16], pubHex, 1)), opt),
    await measure('sm-crypto 0.5 sm2.doDecrypt (16-byte key, context)', N_SMC, loop(N_SMC, () => smCrypto.sm2.doDecrypt(smCt, privHex, 1, { output: 'array' })), opt),
    await measure('yizheng sealEnvelope RSA-2048 OAEP (1 KiB, AES-256-CBC)', N_RSA_SEAL, loop(N_RSA_SEAL, () => sealEnvelope({ content: CONTENT, recipients: [rsa.certificate] })), opt),
    await measure('node crypto.publicEncrypt RSA-2048 OAEP-SHA256 (baseline)', N_RSA_SEAL, loop(N_RSA_SEAL, () => publicEncrypt(oaep, cek32)), opt),
    await measure('yizheng openEnvelope RSA-2048 OAEP (1 KiB, KeyObject)', N_RSA_OPEN, loop(N_RSA_OPEN, () => openEnvelope({ envelope: rsaEnv, privateKey: rsaKey, certificate: rsa.certificate })), opt),
    await measure('node crypto.privateDecrypt RSA-2048 OAEP-SHA256 (baseline)', N_RSA_OPEN, loop(N_RSA_OPEN, () => privateDecrypt({ ...oaep, key: rsaKey }, rsaCt)), opt),
  ];
  if (sink === 0) throw new Error('benchmark was optimised away');
  const rate = (i) => results[i].opsPerSec;
  const ratios = {
    // Node's rate over Yizheng's envelope rate: the cost of the envelope around the RSA operation.
    rsaSealNodeOverYizheng: Number((rate(7) / rate(6)).toFixed(2)),
    rsaOpenNodeOverYizheng: Number((rate(9) / rate(8)).toFixed(2)),
    sm2EncryptVsSmCrypto: Number((rate(2) / rate(4)).toFixed(2)),
    sm2DecryptVsSmCrypto: Number((rate(3) / rate(5)).toFixed(2)),
  };
  const speed = opensslSm2Speed();
  if (speed !== undefined) {
    // Context only: OpenSSL's SM2 signature rates (see the header comment).
    results.push({ name: `context: ${speed.version} speed sm2 sign/s (signature, not encryption)`, opsPerSec: Math.round(speed.sign) });
    results.push({ name: `context: ${speed.version} speed sm2 verify/s (signature, not encryption)`, opsPerSec: Math.round(speed.verify) });
  } else {
    results.push({ name: 'context: openssl speed sm2 unavailable', seconds: 0 });
  }
  return { name: 'envelope', results, ratios };
}
