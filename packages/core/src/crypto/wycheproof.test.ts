/**
 * Wycheproof (C2SP/wycheproof testvectors_v1): all 30 files in ../shared/vectors/wycheproof, every
 * case, through verifySignature with the group's hash, padding and salt length, in the file's own
 * format (DER, IEEE P1363 r‖s, RSA raw) and again with `format: 'auto'`, which must answer the same.
 *
 * - `valid` → true.
 * - `invalid` → false or SIGNATURE_MALFORMED (never true, never another error): a structurally bad
 *   signature (BER, wrong length, r or s out of range…) is malformed, a well-formed wrong one false.
 * - `acceptable` → the documented answer for its flag (see ACCEPTABLE).
 * - Parameters Yizheng does not implement are refused, never answered (see UNSUPPORTED_HASHES); the
 *   per-file counts in EXPECTED pin how many cases that is.
 *
 * Without the vectors the suite skips with a note; under CI (`CI=true`) the vectors helper fails the
 * run instead, and a missing or extra file fails the inventory test.
 */
import { describe, expect, it } from 'vitest';
import { derBitString, derExplicit, derInteger, derNull, derOid, derSequence } from '../asn1/encode';
import { hasVectors, listVectors, readVectorText } from '../../test-utils/vectors';
import { isYizhengError } from '../errors/index';
import { verifySignature, type SignatureFormat, type SignatureHash, type VerifySignatureOptions } from './index';

interface WTest {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface WGroup {
  publicKeyDer: string;
  publicKeyAsn?: string;
  sha: string;
  mgf?: string;
  mgfSha?: string;
  sLen?: number;
  tests: WTest[];
}
interface WFile {
  schema: string;
  testGroups: WGroup[];
}

/** What verifySignature answered: a boolean, SIGNATURE_MALFORMED, or a refused (unsupported) parameter. */
type Answer = 'true' | 'false' | 'malformed' | 'unsupported';

/**
 * Our documented answer for each `acceptable` flag. Only the RSA PKCS#1 v1.5 files have acceptable
 * cases, all flagged MissingNull; the ECDSA and RSA-PSS files have none.
 */
const ACCEPTABLE: Record<string, Answer> = {
  // PKCS#1 v1.5 DigestInfo without the NULL parameters (RFC 8017 §9.2 note 1 allows verifiers to
  // accept it): rejected, a clean false. Node/OpenSSL 3 compare the full DigestInfo encoding, and no
  // Chinese CA client signs without the NULL.
  MissingNull: 'false',
};

/** Hashes Yizheng does not verify with: none of those the Wycheproof files use (SHA-224 included). */
const UNSUPPORTED_HASHES: ReadonlySet<string> = new Set<string>();

const HASHES: Readonly<Record<string, SignatureHash>> = { 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

const HASH_OIDS: Readonly<Record<string, string>> = {
  'SHA-1': '1.3.14.3.2.26',
  'SHA-224': '2.16.840.1.101.3.4.2.4',
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};

/**
 * An RSASSA-PSS SubjectPublicKeyInfo (RFC 4055) for a group's RSAPublicKey and parameters, defaults
 * (SHA-1, MGF1 with SHA-1, salt 20) omitted as DER requires. It is how a caller gives an MGF1 hash
 * other than the signature hash: the options API (`rsaPadding: 'pss'`) means MGF1 with the
 * signature's own hash, so under it such a signature is, correctly, not valid. The test checks the
 * construction against rsa_pss_misc_params_test.json, whose keys are exactly these.
 */
function pssKey(g: WGroup): Uint8Array {
  const alg = (sha: string): Uint8Array => derSequence(derOid(HASH_OIDS[sha] ?? ''), derNull());
  const params = derSequence(
    ...(g.sha !== 'SHA-1' ? [derExplicit(0, alg(g.sha))] : []),
    ...(g.mgfSha !== 'SHA-1' ? [derExplicit(1, derSequence(derOid('1.2.840.113549.1.1.8'), alg(g.mgfSha ?? '')))] : []),
    ...(g.sLen !== 20 ? [derExplicit(2, derInteger(g.sLen ?? 0))] : []),
  );
  return derSequence(derSequence(derOid('1.2.840.113549.1.1.10'), params), derBitString(Buffer.from(g.publicKeyAsn ?? '', 'hex')));
}

type Kind = 'ecdsa-der' | 'ecdsa-p1363' | 'rsa-pkcs1' | 'rsa-pss';

function kindOf(file: string): Kind {
  if (file.startsWith('ecdsa_')) return file.includes('_p1363_') ? 'ecdsa-p1363' : 'ecdsa-der';
  if (file.startsWith('rsa_pss_')) return 'rsa-pss';
  if (file.startsWith('rsa_signature_')) return 'rsa-pkcs1';
  throw new Error(`no runner for ${file}`);
}

/** The options a group's tests are verified with (data and signature added per test). */
function groupOptions(kind: Kind, g: WGroup): Omit<VerifySignatureOptions, 'data' | 'signature'> {
  const hash = HASHES[g.sha];
  const publicKey = Buffer.from(g.publicKeyDer, 'hex');
  switch (kind) {
    case 'ecdsa-der':
      return { publicKey, hash, format: 'der' };
    case 'ecdsa-p1363':
      return { publicKey, hash, format: 'raw' };
    case 'rsa-pkcs1':
      return { publicKey, hash, format: 'raw' };
    case 'rsa-pss': {
      expect(g.mgf).toBe('MGF1');
      // An MGF1 hash other than the signature hash can only come with the key (see pssKey).
      const key = g.mgfSha !== g.sha && !g.publicKeyDer.includes('2a864886f70d01010a') ? pssKey(g) : publicKey;
      return { publicKey: key, hash, format: 'raw', rsaPadding: 'pss', pssSaltLength: g.sLen };
    }
  }
}

function answer(options: VerifySignatureOptions, sha: string): Answer {
  if (UNSUPPORTED_HASHES.has(sha)) {
    // The real call, with the hash the group names: refused before any verification.
    try {
      verifySignature({ ...options, hash: sha.toLowerCase().replace('-', '') as SignatureHash });
    } catch (e) {
      if (isYizhengError(e, 'INVALID_ARGUMENT') && /unknown hash/.test(String(e.details['reason']))) return 'unsupported';
      throw e;
    }
    throw new Error(`${sha} was accepted: move it out of UNSUPPORTED_HASHES`);
  }
  try {
    return verifySignature(options) ? 'true' : 'false';
  } catch (e) {
    if (isYizhengError(e, 'SIGNATURE_MALFORMED')) return 'malformed';
    throw e;
  }
}

type Counts = Partial<Record<WTest['result'], Partial<Record<Answer, number>>>>;

/** Runs every case of `file` in `format` ('file' = the file's own); fails on the first wrong answer. */
function runFile(file: string, format: 'file' | 'auto'): Counts {
  const data = JSON.parse(readVectorText('wycheproof', file)) as WFile;
  const kind = kindOf(file);
  const counts: Counts = {};
  for (const g of data.testGroups) {
    const options = groupOptions(kind, g);
    const resolved = format === 'auto' ? { ...options, format: 'auto' as SignatureFormat } : options;
    for (const t of g.tests) {
      const got = answer({ ...resolved, data: Buffer.from(t.msg, 'hex'), signature: Buffer.from(t.sig, 'hex') }, g.sha);
      const label = `${file} tcId ${t.tcId} (${t.result}, ${t.comment}, ${t.flags.join(',')}; ${g.sha}/${g.mgfSha ?? '-'}/${g.sLen ?? '-'}) format ${format}`;
      if (got === 'unsupported') expect(UNSUPPORTED_HASHES.has(g.sha), label).toBe(true);
      else if (t.result === 'valid') expect(got, label).toBe('true');
      else if (t.result === 'invalid') expect(['false', 'malformed'], label).toContain(got);
      else {
        const expected = t.flags.map((f) => ACCEPTABLE[f]).find((a) => a !== undefined);
        expect(expected, `${label}: no documented choice for these flags`).toBeDefined();
        expect(got, label).toBe(expected);
      }
      const bucket = (counts[t.result] ??= {});
      bucket[got] = (bucket[got] ?? 0) + 1;
    }
  }
  return counts;
}

/**
 * Every file's outcome, pinned: a change in how many cases are malformed rather than false (or a new
 * unsupported case) shows here. The format-`auto` run must give the same counts.
 */
const EXPECTED: Record<string, Counts> = {
  'ecdsa_secp256r1_sha256_p1363_test.json': { valid: { true: 173 }, invalid: { malformed: 71, false: 18 } },
  'ecdsa_secp256r1_sha256_test.json': { valid: { true: 174 }, invalid: { malformed: 287, false: 23 } },
  'ecdsa_secp256r1_sha512_p1363_test.json': { valid: { true: 242 }, invalid: { malformed: 71, false: 19 } },
  'ecdsa_secp256r1_sha512_test.json': { valid: { true: 243 }, invalid: { malformed: 286, false: 25 } },
  'ecdsa_secp384r1_sha256_test.json': { valid: { true: 162 }, invalid: { malformed: 286, false: 24 } },
  'ecdsa_secp384r1_sha384_p1363_test.json': { valid: { true: 193 }, invalid: { malformed: 69, false: 18 } },
  'ecdsa_secp384r1_sha384_test.json': { valid: { true: 194 }, invalid: { malformed: 287, false: 23 } },
  'ecdsa_secp384r1_sha512_p1363_test.json': { valid: { true: 230 }, invalid: { malformed: 69, false: 19 } },
  'ecdsa_secp384r1_sha512_test.json': { valid: { true: 231 }, invalid: { malformed: 288, false: 23 } },
  'ecdsa_secp521r1_sha512_p1363_test.json': { valid: { true: 231 }, invalid: { false: 59, malformed: 28 } },
  'ecdsa_secp521r1_sha512_test.json': { valid: { true: 232 }, invalid: { malformed: 244, false: 66 } },
  'rsa_pss_2048_sha256_mgf1_0_test.json': { valid: { true: 61 }, invalid: { false: 36, malformed: 6 } },
  'rsa_pss_2048_sha256_mgf1_32_test.json': { valid: { true: 63 }, invalid: { false: 39, malformed: 6 } },
  'rsa_pss_2048_sha384_mgf1_48_test.json': { valid: { true: 95 }, invalid: { false: 40, malformed: 6 } },
  'rsa_pss_3072_sha256_mgf1_32_test.json': { valid: { true: 63 }, invalid: { false: 39, malformed: 6 } },
  'rsa_pss_4096_sha256_mgf1_32_test.json': { valid: { true: 63 }, invalid: { false: 39, malformed: 6 } },
  'rsa_pss_4096_sha384_mgf1_48_test.json': { valid: { true: 95 }, invalid: { false: 40, malformed: 6 } },
  'rsa_pss_4096_sha512_mgf1_32_test.json': { valid: { true: 132 }, invalid: { false: 39, malformed: 6 } },
  'rsa_pss_4096_sha512_mgf1_64_test.json': { valid: { true: 132 }, invalid: { false: 41, malformed: 6 } },
  // 150 groups of one valid case: SHA-1/256/384/512 × MGF1 SHA-1/224/256/384/512 × salt 0..64; the
  'rsa_pss_misc_params_test.json': { valid: { true: 150 } },
  'rsa_pss_misc_test.json': { valid: { true: 150 } },
  'rsa_signature_2048_sha256_test.json': { valid: { true: 9 }, acceptable: { false: 1 }, invalid: { false: 242, malformed: 7 } },
  'rsa_signature_2048_sha384_test.json': { valid: { true: 7 }, acceptable: { false: 1 }, invalid: { false: 244, malformed: 6 } },
  'rsa_signature_2048_sha512_test.json': { valid: { true: 8 }, acceptable: { false: 1 }, invalid: { false: 245, malformed: 5 } },
  'rsa_signature_3072_sha256_test.json': { valid: { true: 8 }, acceptable: { false: 1 }, invalid: { false: 245, malformed: 5 } },
  'rsa_signature_3072_sha384_test.json': { valid: { true: 7 }, acceptable: { false: 1 }, invalid: { false: 245, malformed: 6 } },
  'rsa_signature_3072_sha512_test.json': { valid: { true: 8 }, acceptable: { false: 1 }, invalid: { false: 246, malformed: 5 } },
  'rsa_signature_4096_sha256_test.json': { valid: { true: 7 }, acceptable: { false: 1 }, invalid: { false: 244, malformed: 6 } },
  'rsa_signature_4096_sha384_test.json': { valid: { true: 7 }, acceptable: { false: 1 }, invalid: { false: 245, malformed: 6 } },
  'rsa_signature_4096_sha512_test.json': { valid: { true: 7 }, acceptable: { false: 1 }, invalid: { false: 245, malformed: 6 } },
};

describe.skipIf(!hasVectors)('Wycheproof', () => {
  it('runs every file in the folder, and only those', () => {
    const files = listVectors('wycheproof').filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(30);
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const file of Object.keys(EXPECTED)) {
    it(file, () => {
      const own = runFile(file, 'file');
      expect(own).toEqual(EXPECTED[file]);
      expect(runFile(file, 'auto')).toEqual(own);
    });
  }

  it('builds RSASSA-PSS keys exactly as rsa_pss_misc_params_test.json has them', () => {
    const plain = JSON.parse(readVectorText('wycheproof', 'rsa_pss_misc_test.json')) as WFile;
    const withParams = JSON.parse(readVectorText('wycheproof', 'rsa_pss_misc_params_test.json')) as WFile;
    expect(plain.testGroups).toHaveLength(150);
    plain.testGroups.forEach((g, i) => {
      const twin = withParams.testGroups[i];
      expect([twin?.sha, twin?.mgfSha, twin?.sLen]).toEqual([g.sha, g.mgfSha, g.sLen]);
      expect(Buffer.from(pssKey(g)).toString('hex'), `group ${i}`).toBe(twin?.publicKeyDer);
    });
  });

  it('reads rsaPadding "pss" as MGF1 with the signature hash: another MGF1 hash does not verify under it', () => {
    const data = JSON.parse(readVectorText('wycheproof', 'rsa_pss_misc_test.json')) as WFile;
    const answers: Record<string, number> = {};
    for (const g of data.testGroups) {
      if (g.mgfSha === g.sha || UNSUPPORTED_HASHES.has(g.sha)) continue;
      for (const t of g.tests) {
        const options = { publicKey: Buffer.from(g.publicKeyDer, 'hex'), hash: HASHES[g.sha], rsaPadding: 'pss' as const, pssSaltLength: g.sLen };
        const got = answer({ ...options, data: Buffer.from(t.msg, 'hex'), signature: Buffer.from(t.sig, 'hex') }, g.sha);
        answers[got] = (answers[got] ?? 0) + 1;
      }
    }
    expect(answers).toEqual({ false: 120 });
  });
});
