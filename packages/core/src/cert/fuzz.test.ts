/**
 * Property tests: whatever arrives (random bytes, random text, random base64, or valid certificates
 * mutated in every way), parseCertificate answers within 50 ms with a Certificate or a
 * YizhengError, never anything else.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { walkDer } from '../asn1/der';
import { isYizhengError } from '../errors/index';
import { hasVectors, readVector } from '../../test-utils/vectors';
import { buildCert, fixtureDer, must, oid, seq, tlv } from './fixtures/der-builder';
import { clearCertificateCache, parseCertificate, parseCertificates, type Certificate } from './index';
import { cpuTimeOf } from '../../test-utils/cpu-time';
import { applyMutation, derMutation, type Mutation } from '../../test-utils/mutants';

const SEED = 20_240_611;
const LIMIT_MS = 50;

const BASES: Uint8Array[] = [
  'rsa-leaf.pem',
  'ec-p256-leaf.pem',
  'sm2-sign.pem',
  'root-p384.pem',
  'rsa-pss.pem',
  'v1-sha1.pem',
  'ed25519.pem',
  'special-dn.pem',
].map(fixtureDer);
if (hasVectors) BASES.push(new Uint8Array(readVector('bjca-challenge', 'cert.der')));

/** Offsets of every TLV header in each base certificate, for length tampering. */
const HEADERS: number[][] = BASES.map((der) => {
  const starts: number[] = [];
  walkDer(der, (t) => starts.push(t.start));
  return starts;
});

/** Reads every view of a parsed certificate: lazily built parts must not throw either. */
function touch(c: Certificate): void {
  void [c.subject.toString(), c.issuer.format({ order: 'issuance' }), c.serialNumber, c.notBefore, c.notAfter];
  void [c.publicKey, c.signatureAlgorithm, c.extensions, c.keyUsage, c.purpose, c.subjectAltNames, c.tbs];
  void [c.crlDistributionPoints, c.ocspUrls, c.policies, c.basicConstraints, c.authorityKeyIdentifier, c.der];
  JSON.stringify(c);
}

let slowest = 0;

/** Parses `input`; only a Certificate or a CERT_MALFORMED / INVALID_ARGUMENT YizhengError may result. */
function check(input: unknown, all = false): void {
  const ms = cpuTimeOf(() => {
    try {
      if (all) parseCertificates(input as string).forEach(touch);
      else touch(parseCertificate(input as string));
    } catch (e) {
      if (!isYizhengError(e, 'CERT_MALFORMED') && !isYizhengError(e, 'INVALID_ARGUMENT')) throw e;
      const reason = String((e as { details: { reason?: unknown } }).details.reason);
      if (reason.includes('internal')) throw new Error(`internal parser error: ${String((e as Error).cause)}`);
    }
  }, LIMIT_MS);
  slowest = Math.max(slowest, ms);
  if (ms > LIMIT_MS) throw new Error(`parse took ${ms.toFixed(1)} ms`);
}

const mutation = derMutation();

function apply(base: number, mutations: Mutation[]): Uint8Array {
  let der = must(BASES[base]);
  for (const m of mutations) der = applyMutation(der, must(HEADERS[base]), m);
  return der;
}

const pem = (der: Uint8Array): string =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

describe('parseCertificate never throws anything but YizhengError, and never hangs', () => {
  beforeAll(() => {
    clearCertificateCache();
    for (const der of BASES) check(der);
  });

  it('mutated certificates (bit flips, insertions, deletions, truncation, length tampering)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: BASES.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('der', 'pem', 'base64', 'bundle'),
        (base, mutations, form) => {
          const der = apply(base, mutations);
          if (form === 'der') check(der);
          else if (form === 'pem') check(pem(der));
          else if (form === 'base64') check(Buffer.from(der).toString('base64'));
          else check(pem(must(BASES[0])) + pem(der), true);
        },
      ),
      { seed: SEED, numRuns: 10_000 },
    );
  });

  it('random bytes, also behind a DER SEQUENCE header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.boolean(), (bytes, asSequence) => {
        if (!asSequence) return check(bytes);
        const header = bytes.length < 128 ? [0x30, bytes.length] : [0x30, 0x82, bytes.length >> 8, bytes.length & 0xff];
        check(Uint8Array.from([...header, ...bytes]));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('random strings, random base64 and PEM-looking text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 500 }),
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.base64String({ maxLength: 3000 }),
          fc.string({ maxLength: 200 }).map((s) => `-----BEGIN CERTIFICATE-----\n${s}\n-----END CERTIFICATE-----`),
          fc.base64String({ maxLength: 2000 }).map((s) => `-----BEGIN CERTIFICATE-----\n${s}\n-----END CERTIFICATE-----`),
          fc.string({ maxLength: 100 }).map((s) => `-----BEGIN ${s}-----`),
        ),
        fc.boolean(),
        (text, all) => check(text, all),
      ),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('anything at all as the argument', () => {
    fc.assert(fc.property(fc.anything(), (v) => check(v)), { seed: SEED, numRuns: 500 });
  });

  it('hostile nesting and huge declared lengths fail fast', () => {
    const repeat = (unit: number[], times: number): Uint8Array => Uint8Array.from({ length: unit.length * times }, (_, i) => must(unit[i % unit.length]));
    check(repeat([0x30, 0x80], 50_000)); // BER indefinite nesting
    check(repeat([0xa0, 0x80], 50_000));
    check(repeat([0x30, 0x84, 0xff, 0xff, 0xff, 0xff], 10_000)); // huge lengths
    check(Uint8Array.of(0x30, 0x84, 0x7f, 0xff, 0xff, 0xff));
    check(Uint8Array.of(0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    check(Uint8Array.of(0x30, 0xff));
    // Definite-length nesting 20,000 levels deep (64 KiB).
    const depth = 16_000;
    const deep = new Uint8Array(depth * 4);
    for (let i = 0; i < depth; i++) {
      const len = (depth - i - 1) * 4;
      deep.set([0x30, 0x82, len >> 8, len & 0xff], i * 4);
    }
    check(deep.subarray(0, 65_536));
    // Deep nesting inside an unknown extension and inside a GeneralName of a real certificate.
    const nested = repeat([0xa3, 0x80], 1000);
    check(pem(Uint8Array.from([...must(BASES[0]).subarray(0, 100), ...nested])));
    // Thousands of extensions (duplicate detection must stay linear) and of RDNs.
    const manyExtensions = Array.from({ length: 5600 }, (_, i) => seq(oid(`1.2.${1000 + i}`), tlv(0x04)));
    check(buildCert({ extensions: tlv(0xa3, seq(...manyExtensions)) }));
    check(buildCert({ extensions: tlv(0xa3, seq(...manyExtensions, seq(oid('1.2.1000'), tlv(0x04)))) }));
    const manyRdns = Array.from({ length: 5000 }, () => tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Uint8Array.of(0x61)))));
    check(buildCert({ subject: seq(...manyRdns) }));
    // A 30,000-octet OID arc as the signature algorithm.
    const bigArc = new Uint8Array(30_000).fill(0x81);
    bigArc[bigArc.length - 1] = 0x01;
    const bigAlg = seq(tlv(0x06, bigArc));
    check(buildCert({ innerAlg: bigAlg, outerAlg: bigAlg }));
    // Megabytes of whitespace or base64 stop at the size limits.
    check(' '.repeat(2_000_000));
    check('A'.repeat(2_000_000));
    check(new Uint8Array(5_000_000).fill(0x30));
    check(`-----BEGIN CERTIFICATE-----\n${'QUFB'.repeat(300_000)}\n-----END CERTIFICATE-----`);
    check('-----BEGIN CERTIFICATE-----'.repeat(50_000));
  });

  it('stayed under the per-call limit', () => {
    expect(slowest).toBeLessThan(LIMIT_MS);
  });
});
