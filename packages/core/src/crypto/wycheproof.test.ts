/**
 * Wycheproof (C2SP/wycheproof testvectors_v1) through verifySignature:
 * `valid` → true; `invalid` → false or SIGNATURE_MALFORMED (never true, never another error);
 * `acceptable` → false (the strict choice; see ACCEPTABLE below).
 */
import { describe, expect, it } from 'vitest';
import { hasVectors, readVectorText } from '../../test-utils/vectors';
import { isYizhengError } from '../errors/index';
import { verifySignature, type SignatureFormat } from './index';

interface WTest {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface WFile {
  testGroups: { publicKeyDer: string; sha: string; tests: WTest[] }[];
}

type Answer = true | false | 'malformed';

/** Our documented answer for each `acceptable` flag. */
const ACCEPTABLE: Record<string, Answer> = {
  // PKCS#1 v1.5 DigestInfo without the NULL parameters: rejected (Node/OpenSSL 3 compare the full
  // DigestInfo encoding), a clean false.
  MissingNull: false,
};

function answer(run: () => boolean): Answer {
  try {
    return run();
  } catch (e) {
    if (isYizhengError(e, 'SIGNATURE_MALFORMED')) return 'malformed';
    throw e;
  }
}

function runFile(file: string, format: SignatureFormat): { counts: Record<string, Record<string, number>> } {
  const data = JSON.parse(readVectorText('wycheproof', file)) as WFile;
  const counts: Record<string, Record<string, number>> = {};
  for (const g of data.testGroups) {
    expect(g.sha).toBe('SHA-256');
    const publicKey = Buffer.from(g.publicKeyDer, 'hex');
    for (const t of g.tests) {
      const got = answer(() =>
        verifySignature({ publicKey, data: Buffer.from(t.msg, 'hex'), signature: Buffer.from(t.sig, 'hex'), format }),
      );
      const label = `tcId ${t.tcId} (${t.result}, ${t.comment}, ${t.flags.join(',')}) format ${format}`;
      if (t.result === 'valid') expect(got, label).toBe(true);
      else if (t.result === 'invalid') expect(got, label).not.toBe(true);
      else {
        const expected = t.flags.map((f) => ACCEPTABLE[f]).find((a) => a !== undefined);
        expect(expected, `${label}: no documented choice for these flags`).toBeDefined();
        expect(got, label).toBe(expected);
      }
      const bucket = (counts[t.result] ??= {});
      const key = String(got);
      bucket[key] = (bucket[key] ?? 0) + 1;
    }
  }
  return { counts };
}

describe.skipIf(!hasVectors)('Wycheproof', () => {
  it('ecdsa_secp256r1_sha256_test.json (DER)', () => {
    const der = runFile('ecdsa_secp256r1_sha256_test.json', 'der');
    const auto = runFile('ecdsa_secp256r1_sha256_test.json', 'auto');
    expect(der.counts).toEqual({ valid: { true: 174 }, invalid: { malformed: 287, false: 23 } });
    expect(auto.counts).toEqual(der.counts);
  });

  it('ecdsa_secp256r1_sha256_p1363_test.json (raw r‖s)', () => {
    const raw = runFile('ecdsa_secp256r1_sha256_p1363_test.json', 'raw');
    const auto = runFile('ecdsa_secp256r1_sha256_p1363_test.json', 'auto');
    expect(raw.counts).toEqual({ valid: { true: 173 }, invalid: { malformed: 71, false: 18 } });
    expect(auto.counts).toEqual(raw.counts);
  });

  it('rsa_signature_2048_sha256_test.json (PKCS#1 v1.5)', () => {
    const raw = runFile('rsa_signature_2048_sha256_test.json', 'raw');
    const auto = runFile('rsa_signature_2048_sha256_test.json', 'auto');
    expect(raw.counts).toEqual({ valid: { true: 9 }, acceptable: { false: 1 }, invalid: { false: 242, malformed: 7 } });
    expect(auto.counts).toEqual(raw.counts);
  });
});
