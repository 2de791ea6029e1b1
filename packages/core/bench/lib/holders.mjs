/**
 * Certificate holders for the bid-opening benchmark: one test CA per algorithm and `count` leaves,
 * each with its own key and certificate, a Chinese subject and a valid USCC (one per company, 500
 * companies) in the GM/T 0015 enterprise-code extension.
 *
 * RSA-2048 keys are slow to make (tens of ms each), so they are generated asynchronously (Node runs
 * them on its thread pool, so both cores work) and cached as PKCS#8 in the OS temp dir, keyed by the
 * count, so a repeated run imports them instead (the file also records how long generating them took). SM2 test keys cannot be imported again (the kit
 * has no SM2 import), and P-256 keys are quick, so those are made afresh each run.
 */
import { generateKeyPair } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestCa, generateTestKey, importTestKey, issueCertificate, utf8Extension } from '@yizheng/core/testing';

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
export const COMPANIES = 500;

/** A valid USCC (GB 32100-2015) for company `n`: 91 + 350200 + a valid organisation code + check character. */
export function usccOf(n) {
  const body = `5562${String(n).padStart(4, '0')}`;
  const sum = [...body].reduce((s, c, i) => s + Number(c) * ORG_WEIGHTS[i], 0);
  const check = 11 - (sum % 11);
  const org = body + (check === 10 ? 'X' : check === 11 ? '0' : String(check));
  const first17 = `91350200${org}`;
  const total = [...first17].reduce((s, c, i) => s + USCC_ALPHABET.indexOf(c) * USCC_WEIGHTS[i], 0);
  return first17 + USCC_ALPHABET.charAt((31 - (total % 31)) % 31);
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** `count` RSA-2048 private keys as PKCS#8 DER, from the temp-dir cache or made now (in parallel). */
async function rsaKeys(count) {
  const file = join(tmpdir(), `yizheng-bench-holders-rsa2048-${count}.json`);
  if (existsSync(file)) {
    try {
      const cached = JSON.parse(readFileSync(file, 'utf8'));
      if (Array.isArray(cached.keys) && cached.keys.length === count) {
        return { keys: cached.keys.map((b64) => Buffer.from(b64, 'base64')), cached: true, generateMs: cached.generateMs };
      }
    } catch {
      // A broken cache file is made again below.
    }
  }
  const t0 = performance.now();
  const keys = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'der' } });
      keys[i] = privateKey;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const generateMs = performance.now() - t0;
  try {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ generateMs, keys: keys.map((k) => k.toString('base64')) }));
    renameSync(tmp, file);
  } catch {
    // No cache then; the next run generates again.
  }
  return { keys, cached: false, generateMs };
}

/**
 * A CA and `count` holders of `algorithm` ('sm2' | 'ec' | 'rsa'): `{ ca, holders, warmup, keyMs,
 * generateMs (key generation, from the cache file when the keys came from it), keysCached, totalMs }`, each holder `{ index, key, certificate (base64 DER), accountId, organizationId,
 * enterpriseCode }`; `warmup` is one more holder (index `count`), for warming code up untimed.
 */
export async function makeHolders(algorithm, count) {
  const ca = createTestCa({ subject: `CN=Bid Opening ${algorithm} CA, O=Yizheng Bench, C=CN`, keyAlgorithm: algorithm });
  const t0 = performance.now();
  let keys;
  let keysCached = false;
  let generateMs;
  if (algorithm === 'rsa') {
    const made = await rsaKeys(count);
    keys = made.keys.map((der) => importTestKey(new Uint8Array(der)));
    keysCached = made.cached;
    generateMs = made.generateMs;
  } else {
    keys = Array.from({ length: count }, () => generateTestKey(algorithm));
  }
  keys.push(generateTestKey(algorithm)); // the warm-up holder
  const keyMs = performance.now() - t0;
  generateMs ??= keyMs;
  const holders = keys.map((key, index) => {
    const company = index % COMPANIES;
    const enterpriseCode = usccOf(company);
    const leaf = issueCertificate({
      subject: `CN=投标人${index}, O=某某公司${company}, C=CN`,
      issuer: ca,
      key,
      extensions: [utf8Extension('1.2.156.10260.4.1.4', enterpriseCode)],
    });
    return {
      index,
      key,
      certificate: Buffer.from(leaf.der).toString('base64'),
      accountId: `bidder-${index}`,
      organizationId: `company-${company}`,
      enterpriseCode,
    };
  });
  const warmup = holders.pop();
  return { ca, holders, warmup, keyMs, generateMs, keysCached, totalMs: performance.now() - t0 };
}
