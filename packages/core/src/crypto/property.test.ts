/**
 * Property: whatever the signature bytes (mutations of valid signatures: bit flips, truncation,
 * extension, DER tampering; random bytes; a wrong key), verifySignature answers `false` or throws
 * a YizhengError, never `true` for a changed signature, never another exception, and fast (< 50 ms).
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isYizhengError } from '../errors/index';
import { verifySignature, type SignatureFormat } from './index';
import { parseSignedData } from './cms';
import { buildSignedData } from './testing/cms';
import { alg, cat, equalBytesForTest, must, type Bytes } from './testing/property-helpers';
import { sm2Key, sm2Sign } from './testing/sm2-signer';
import { cpuTimeOf } from '../../test-utils/cpu-time';

const DATA = new TextEncoder().encode('NDYxNjY1NTEwNzc0NTk1NTM4NTcxOTY0');
const spkiOf = (k: KeyObject): Bytes => new Uint8Array(k.export({ type: 'spki', format: 'der' }));

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const sm2 = sm2Key();
const sm2Other = sm2Key();
const sm2Sig = sm2Sign(sm2, DATA);

interface Case {
  readonly name: string;
  readonly key: Bytes;
  readonly signature: Bytes;
}

const CASES: Case[] = [
  { name: 'sm2 der', key: sm2.spki, signature: sm2Sig.der },
  { name: 'sm2 raw', key: sm2.spki, signature: sm2Sig.raw },
  { name: 'sm2 skf', key: sm2.spki, signature: cat(new Uint8Array(32), sm2Sig.raw.subarray(0, 32), new Uint8Array(32), sm2Sig.raw.subarray(32)) },
  {
    name: 'sm2 cms',
    key: sm2.spki,
    signature: buildSignedData({
      contentType: '1.2.156.10197.6.1.4.2.2',
      content: DATA,
      attached: true,
      sid: cat(Uint8Array.of(0x80, 2), Uint8Array.of(1, 2)),
      digest: { oid: '1.2.156.10197.1.401', name: 'sm3' },
      signedAttributes: true,
      signatureAlgorithm: alg('1.2.156.10197.1.501'),
      sign: (b) => sm2Sign(sm2, b).der,
    }),
  },
  { name: 'ecdsa der', key: spkiOf(ec.publicKey), signature: new Uint8Array(sign('sha256', DATA, ec.privateKey)) },
  { name: 'ecdsa raw', key: spkiOf(ec.publicKey), signature: new Uint8Array(sign('sha256', DATA, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' })) },
  { name: 'rsa', key: spkiOf(rsa.publicKey), signature: new Uint8Array(sign('sha256', DATA, rsa.privateKey)) },
];
const KEYS = [sm2.spki, sm2Other.spki, spkiOf(ec.publicKey), spkiOf(rsa.publicKey)];
const FORMATS: SignatureFormat[] = ['auto', 'der', 'raw', 'skf', 'cms'];

/** What a CMS signature covers: content, signed attributes, algorithms, signature value. */
function signedParts(cms: Bytes): unknown {
  const p = parseSignedData(cms);
  return [p.contentType, p.eContentType, p.content, p.signedAttributes, p.digestAlgorithm, p.signatureAlgorithm, p.signature];
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'extend'; extra: Bytes }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'splice'; at: number; remove: number; insert: Bytes };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  // DER tampering: overwrite a header-ish byte with a value that DER readers care about.
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(8),
    value: fc.constantFrom(0x00, 0x01, 0x02, 0x04, 0x30, 0x31, 0x7f, 0x80, 0x81, 0x82, 0xff),
  }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), remove: fc.nat(3), insert: fc.uint8Array({ maxLength: 3 }) }),
);

function mutate(sig: Bytes, m: Mutation): Bytes {
  const out = sig.slice();
  switch (m.kind) {
    case 'flip': {
      const i = m.at % sig.length;
      out[i] = (out[i] ?? 0) ^ (1 << m.bit);
      return out;
    }
    case 'truncate':
      return sig.subarray(0, m.keep % sig.length);
    case 'extend':
      return cat(sig, m.extra);
    case 'set': {
      out[m.at % sig.length] = m.value;
      return out;
    }
    case 'splice': {
      const at = m.at % (sig.length + 1);
      return cat(sig.subarray(0, at), m.insert, sig.subarray(Math.min(sig.length, at + m.remove)));
    }
  }
}

/** Runs one call; returns its answer, or fails the property on a forbidden outcome. */
function call(key: Bytes, signature: Bytes, format: SignatureFormat, data: Bytes = DATA): boolean | string {
  let got: boolean | string = false;
  const ms = cpuTimeOf(() => {
    try {
      got = verifySignature({ publicKey: key, data, signature, format });
    } catch (e) {
      if (!isYizhengError(e)) throw new Error(`non-Yizheng exception: ${String(e)}`);
      got = e.code;
    }
  }, 50);
  if (ms > 50) throw new Error(`slow call: ${ms.toFixed(1)} ms`);
  return got;
}

describe('verifySignature on hostile input', () => {
  it('the unmutated cases verify (and warm the tables up)', () => {
    for (const c of CASES) {
      for (let i = 0; i < 3; i++) verifySignature({ publicKey: c.key, data: DATA, signature: c.signature });
      expect(call(c.key, c.signature, 'auto'), c.name).toBe(true);
    }
  });

  it('mutated signatures are false or a YizhengError, never true', () => {
    fc.assert(
      fc.property(fc.nat(CASES.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), fc.constantFrom(...FORMATS), (ci, ms, format) => {
        const c = must(CASES[ci]);
        let sig = c.signature;
        for (const m of ms) sig = mutate(sig, m);
        const got = call(c.key, sig, format);
        if (equalBytesForTest(sig, c.signature)) return;
        if (got === true && c.name === 'sm2 cms') {
          // CMS leaves some metadata unsigned (e.g. the signer identifier, checked only against a
          // presented certificate): a container that still verifies must carry exactly the signed
          // bytes of the original.
          expect(signedParts(sig), `${c.name} ${JSON.stringify(ms)}`).toEqual(signedParts(c.signature));
          return;
        }
        expect(got, `${c.name} ${JSON.stringify(ms)} ${format}`).not.toBe(true);
        if (typeof got === 'string') expect(['SIGNATURE_MALFORMED']).toContain(got);
      }),
      { numRuns: 1500 },
    );
  });

  it('wrong keys are false or SIGNATURE_MALFORMED', () => {
    fc.assert(
      fc.property(fc.nat(CASES.length - 1), fc.nat(KEYS.length - 1), fc.constantFrom(...FORMATS), (ci, ki, format) => {
        const c = must(CASES[ci]);
        const key = must(KEYS[ki]);
        if (equalBytesForTest(key, c.key)) return;
        const got = call(key, c.signature, format);
        expect(got === false || got === 'SIGNATURE_MALFORMED', `${c.name} key ${ki} ${format}: ${String(got)}`).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('random bytes and random data are false or SIGNATURE_MALFORMED', () => {
    fc.assert(
      fc.property(
        fc.nat(KEYS.length - 1),
        fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ minLength: 256, maxLength: 256 })),
        fc.constantFrom(...FORMATS),
        fc.uint8Array({ maxLength: 64 }),
        (ki, sig, format, data) => {
          const got = call(must(KEYS[ki]), sig, format, data);
          expect(got === false || got === 'SIGNATURE_MALFORMED', String(got)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a valid signature over other data is false', () => {
    fc.assert(
      fc.property(fc.nat(CASES.length - 1), fc.uint8Array({ maxLength: 64 }), (ci, data) => {
        if (equalBytesForTest(data, DATA)) return;
        const c = must(CASES[ci]);
        expect(call(c.key, c.signature, 'auto', data)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
