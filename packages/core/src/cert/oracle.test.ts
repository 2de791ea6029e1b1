/**
 * Independent oracles for the certificate parser, on every certificate of the shared vectors (BJCA,
 * the national SM2 CAs, the Tongsuo SM2 chain, all of x509-limbo's limbo.json and limbo-current.json,
 * de-duplicated), the committed fixtures, and fuzzed mutants of them:
 *
 * - asn1js (a BER reader) checks the DER reader: wherever our strict reader accepts a certificate,
 *   asn1js must parse the same bytes to the same TLV tree (tag class, number, form, header and
 *   content lengths, in document order); wherever asn1js fails, we must fail too. The converse is
 *   our strictness (BER forms, RFC 5280 rules), counted below, never an error. Node's
 *   X509Certificate (OpenSSL) must read whatever we accept as well.
 * - pkijs and @peculiar/x509 check the parsed fields: subject and issuer attribute by attribute
 *   (type OID and text, in encoding order; @peculiar/x509 RDN by RDN), serial number, validity,
 *   the extension list (OID and criticality, in order), the public key algorithm (OID, curve or
 *   modulus size, SPKI bytes) and, with pkijs, the signature algorithm OID.
 *
 * Neither pkijs nor @peculiar/x509 can verify an SM2 signature (both verify through WebCrypto, which
 * has no SM2 and no SM3), and neither names the SM2 curve: they are field oracles here, not
 * signature oracles. Where they disagree with us for a legitimate reason, the case is listed below
 * with the reason.
 */
import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { walkDer } from '../asn1/der';
import { mutantCertificates } from '../conformance/fixtures';
import { isYizhengError } from '../errors/index';
import { hasVectors, listVectors, readVector, readVectorText } from '../../test-utils/vectors';
import { applyMutation, derMutation } from '../../test-utils/mutants';
import { fixtureDer, must } from './fixtures/der-builder';
import { parseCertificate, type Certificate } from './index';

// @peculiar/x509 resolves its parts through tsyringe, which insists on a Reflect metadata polyfill
// (reflect-metadata is not a dependency here): the three calls it makes, on a WeakMap.
const metadata = new WeakMap<object, Map<unknown, unknown>>();
Object.assign(Reflect, {
  defineMetadata(key: unknown, value: unknown, target: object): void {
    let m = metadata.get(target);
    if (m === undefined) metadata.set(target, (m = new Map()));
    m.set(key, value);
  },
  getOwnMetadata: (key: unknown, target: object): unknown => metadata.get(target)?.get(key),
  getMetadata(key: unknown, target: object): unknown {
    for (let o: object | null = target; o !== null; o = Object.getPrototypeOf(o) as object | null) {
      const v = metadata.get(o)?.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  },
});
const x509 = await import('@peculiar/x509');

// ---------------------------------------------------------------------------------------------
// The corpus

const pemBlocks = (text: string): Uint8Array[] =>
  [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map(
    (m) => new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64')),
  );

interface Limbo {
  testcases: { id: string; trusted_certs: string[]; untrusted_intermediates: string[]; peer_certificate: string }[];
}

/** Every vector certificate once (by bytes), named by where it first appears. */
function vectorCertificates(): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const seen = new Set<string>();
  const add = (id: string, der: Uint8Array): void => {
    const key = Buffer.from(der).toString('base64');
    if (seen.has(key)) return;
    seen.add(key);
    out.set(id, der);
  };
  add('bjca-challenge/cert.der', new Uint8Array(readVector('bjca-challenge', 'cert.der')));
  for (const dir of ['sm2-real-ca', 'sm2-test-chain']) {
    for (const f of listVectors(dir)) pemBlocks(readVectorText(dir, f)).forEach((der, i) => add(`${dir}/${f}#${i}`, der));
  }
  for (const file of ['limbo.json', 'limbo-current.json']) {
    const limbo = JSON.parse(readVectorText('x509-limbo', file)) as Limbo;
    for (const tc of limbo.testcases) {
      const roles: [string, string][] = [
        ...tc.trusted_certs.map((p, i): [string, string] => [`trusted${i}`, p]),
        ...tc.untrusted_intermediates.map((p, i): [string, string] => [`intermediate${i}`, p]),
        ['peer', tc.peer_certificate],
      ];
      for (const [role, pem] of roles) for (const der of pemBlocks(pem)) add(`${file} ${tc.id} ${role}`, der);
    }
  }
  return out;
}

const FIXTURES = [
  'rsa-leaf.pem', 'ec-p256-leaf.pem', 'p521.pem', 'root-p384.pem', 'rsa-pss.pem', 'v1-sha1.pem', 'ed25519.pem',
  'special-dn.pem', 'sm2-ca.pem', 'sm2-sign.pem', 'sm2-enc.pem',
];

const VECTORS: Map<string, Uint8Array> = hasVectors ? vectorCertificates() : new Map();

/**
 * Vector certificates we refuse although pkijs, @peculiar/x509 and asn1js read them: each breaks a
 * rule that they, decoding extensions lazily or not at all, never look at. First appearance named.
 */
const WE_REJECT: Record<string, RegExp> = {
  // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
  'limbo.json rfc5280::duplicate-extensions peer': /duplicate extension 2\.5\.29\.17/,
  // RFC 5280 §4.1.1.2: signatureAlgorithm must equal tbsCertificate.signature.
  'limbo.json rfc5280::mismatching-signature-algorithm peer': /differs from signatureAlgorithm/,
  // RFC 5280 §4.2.1.6: the extnValue must be the DER of GeneralNames; here raw ASCII.
  'limbo.json rfc5280::malformed-subject-alternative-name peer': /unexpected tag for subjectAltName/,
  // X.680 §41: IA5String is 7-bit; the dNSName holds UTF-8 emoji octets.
  'limbo.json webpki::unicode-emoji-san peer': /invalid character in IA5String/,
  // RFC 5280 §4.2.2.1: AuthorityInfoAccessSyntax is a SEQUENCE of AccessDescription; here ASCII.
  'limbo.json webpki::malformed-aia peer': /unexpected tag for authorityInfoAccess/,
  // RFC 3279 §2.3.1: an rsaEncryption key's BIT STRING holds RSAPublicKey; here it does not.
  'limbo-current.json invalid::invalid-issuer-key intermediate0': /missing RSAPublicKey/,
  // RFC 5280 §4.2.1.12: "KeyPurposeId ::= OBJECT IDENTIFIER", SIZE (1..MAX): an empty EKU is no EKU.
  'limbo-current.json rfc5280::eku::ee-eku-empty peer': /empty extKeyUsage/,
  // RFC 5280 §4.2.1.6: an iPAddress GeneralName is 4 or 16 octets (8 or 32 only in name constraints).
  'limbo-current.json rfc5280::nc::nc-permits-invalid-ip-san peer': /iPAddress must be 4 or 16 octets/,
  // Our size limit (64 KiB per certificate). pkijs and @peculiar/x509 refuse it too (below).
  'limbo-current.json pathological::nc-dos-1 peer': /larger than 64 KiB/,
  // limbo-current.json regenerates these four of limbo.json (other keys, same defects).
  'limbo-current.json rfc5280::duplicate-extensions peer': /duplicate extension 2\.5\.29\.17/,
  'limbo-current.json rfc5280::san::malformed peer': /unexpected tag for subjectAltName/,
  'limbo-current.json webpki::malformed-aia peer': /unexpected tag for authorityInfoAccess/,
  'limbo-current.json webpki::san::unicode-emoji-san peer': /invalid character in IA5String/,
};

/**
 * Extensions pkijs decodes while parsing that we keep opaque, as no API of ours reads them (OpenSSL
 * and Node decode them only when asked): issuerAltName, subjectDirectoryAttributes,
 * privateKeyUsagePeriod, policyMappings, policyConstraints, inhibitAnyPolicy, freshestCRL,
 * subjectInfoAccess, qcStatements. (nameConstraints is read by path validation, not here.)
 */
const PKIJS_DECODES_WE_DO_NOT: ReadonlySet<string> = new Set([
  '2.5.29.18', '2.5.29.9', '2.5.29.16', '2.5.29.33', '2.5.29.36', '2.5.29.54', '2.5.29.46', '2.5.29.30',
  '1.3.6.1.5.5.7.1.11', '1.3.6.1.5.5.7.1.3',
]);

/** The one certificate asn1js, pkijs and @peculiar/x509 refuse too: 78 KiB of name constraints, past their node limits. */
const THEY_REJECT = new Set(['limbo-current.json pathological::nc-dos-1 peer']);

function ours(der: Uint8Array): Certificate | string {
  try {
    return parseCertificate(der);
  } catch (e) {
    if (!isYizhengError(e, 'CERT_MALFORMED') && !isYizhengError(e, 'INPUT_TOO_LARGE')) throw e;
    return String(e.details['reason'] ?? e.code);
  }
}

// ---------------------------------------------------------------------------------------------
// asn1js: the TLV tree

/** One TLV: depth, tag class (0..3), tag number, constructed, header length, content length. */
type Node = readonly [number, number, number, boolean, number, number];

/** Our DER reader's tree of `der` (primitive contents not entered), or the reason it fails. */
function ourTree(der: Uint8Array): Node[] | string {
  const out: Node[] = [];
  try {
    walkDer(der, (t, depth) => out.push([depth, t.tagClass, t.tagNumber, t.constructed, t.contentStart - t.start, t.end - t.contentStart]), { maxNodes: 1_000_000 });
  } catch (e) {
    return (e as Error).message;
  }
  return out;
}

/** asn1js's tree of `der`, or why it fails (an error, indefinite lengths, or bytes after the value). */
function asn1jsTree(der: Uint8Array): Node[] | string {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(der);
  } catch (e) {
    // It throws for some bad contents (e.g. `Wrong input string for conversion` for a broken time).
    return `asn1js: ${(e as Error).message}`;
  }
  if (parsed.offset === -1 || parsed.result.error !== '') return `asn1js: ${parsed.result.error}`;
  if (parsed.offset !== der.length) return 'asn1js: bytes after the value';
  const out: Node[] = [];
  const visit = (b: asn1js.AsnType, depth: number): string | undefined => {
    const { idBlock } = b;
    // BER's end-of-contents marker comes back without a length block: a node DER never has.
    const lenBlock = b.lenBlock as asn1js.AsnType['lenBlock'] | undefined;
    if (lenBlock?.isIndefiniteForm === true) return 'asn1js: indefinite length';
    out.push([depth, idBlock.tagClass - 1, idBlock.tagNumber, idBlock.isConstructed, idBlock.blockLength + (lenBlock?.blockLength ?? 0), lenBlock?.length ?? -1]);
    // asn1js also tries to decode inside primitive OCTET and BIT STRINGs; like walkDer, stay out.
    const children: unknown = (b as asn1js.Constructed).valueBlock.value;
    // A constructed string (BER) comes back already joined: no children to compare.
    if (!idBlock.isConstructed || !Array.isArray(children)) return undefined;
    for (const child of children as asn1js.AsnType[]) {
      const why = visit(child, depth + 1);
      if (why !== undefined) return why;
    }
    return undefined;
  };
  return visit(parsed.result, 0) ?? out;
}

/**
 * The oracle rule for one input: when we accept it, asn1js reads it to the very same TLV tree; when
 * asn1js fails, we fail. Returns which of the four cases it was.
 */
function crossCheckDer(der: Uint8Array, label: string): 'both accept' | 'both reject' | 'only asn1js accepts' {
  const theirs = asn1jsTree(der);
  const cert = ours(der);
  if (typeof cert === 'string') return typeof theirs === 'string' ? 'both reject' : 'only asn1js accepts';
  expect(typeof theirs === 'string' ? theirs : 'parsed', `${label}: we accept, asn1js must too`).toBe('parsed');
  expect(theirs, `${label}: same TLV tree`).toEqual(ourTree(der));
  // And OpenSSL, through Node, reads whatever we accept (names included: it refuses the non-string
  // values and BMPString surrogates that we refuse too).
  expect(() => new X509Certificate(der).subject, `${label}: Node reads it`).not.toThrow();
  return 'both accept';
}

// ---------------------------------------------------------------------------------------------
// pkijs and @peculiar/x509: the fields

const CURVE_OIDS: Readonly<Record<string, string>> = {
  'P-256': '1.2.840.10045.3.1.7',
  'P-384': '1.3.132.0.34',
  'P-521': '1.3.132.0.35',
  SM2: '1.2.156.10197.1.301',
};

/** Our serial number as a value: uppercase hex, `-` and the magnitude for a negative one. */
function serialValue(serial: string): bigint {
  return serial.startsWith('-') ? -BigInt(`0x${serial.slice(1)}`) : BigInt(`0x${serial}`);
}

/** Two's-complement octets as a value. */
function signedValue(bytes: Uint8Array): bigint {
  const v = BigInt(`0x${Buffer.from(bytes).toString('hex') || '00'}`);
  return (bytes[0] ?? 0) & 0x80 ? v - (1n << BigInt(8 * bytes.length)) : v;
}

const pkijsText = (v: unknown): string => String((v as { valueBlock: { value: unknown } }).valueBlock.value);

function agreesWithPkijs(c: Certificate, der: Uint8Array, label: string): void {
  const p = pkijs.Certificate.fromBER(der);
  // pkijs flattens the RDNs: attribute by attribute, in encoding order.
  for (const [name, theirs] of [[c.subject, p.subject], [c.issuer, p.issuer]] as const) {
    expect(theirs.typesAndValues.map((t) => [t.type, pkijsText(t.value)]), label).toEqual(name.attributes.map((a) => [a.oid, a.value]));
  }
  expect(signedValue(p.serialNumber.valueBlock.valueHexView), `${label} serial`).toBe(serialValue(c.serialNumber));
  expect([p.notBefore.value.getTime(), p.notAfter.value.getTime()], `${label} validity`).toEqual([c.notBefore.getTime(), c.notAfter.getTime()]);
  expect((p.extensions ?? []).map((e) => [e.extnID, e.critical]), `${label} extensions`).toEqual(c.extensions.map((e) => [e.oid, e.critical]));
  expect(p.signatureAlgorithm.algorithmId, `${label} signature algorithm`).toBe(c.signatureAlgorithm.oid);
  const alg = p.subjectPublicKeyInfo.algorithm;
  const key = c.publicKey;
  expect(alg.algorithmId, `${label} key algorithm`).toBe(key.oid);
  if (key.algorithm === 'ec' || key.algorithm === 'sm2') {
    if (key.curve === 'explicit') expect(alg.algorithmParams).toBeInstanceOf(asn1js.Sequence);
    else expect((alg.algorithmParams as asn1js.ObjectIdentifier).valueBlock.toString(), `${label} curve`).toBe(CURVE_OIDS[key.curve] ?? key.curve);
  }
  if (key.algorithm === 'rsa') {
    const rsa = pkijs.RSAPublicKey.fromBER(p.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
    expect(Buffer.from(rsa.modulus.valueBlock.valueHexView).toString('hex').replace(/^00/, ''), `${label} modulus`).toBe(key.modulus);
  }
}

/** What @peculiar/x509 (WebCrypto names) says of each key algorithm we know; others it leaves as the OID. */
function x509Algorithm(c: Certificate): Record<string, unknown> {
  const key = c.publicKey;
  // Disagreement: @peculiar/x509 gives the modulus length in whole octets × 8 (2056 for limbo's
  // deliberately 2052-bit key, webpki::forbidden-rsa-not-divisible-by-8-in-root); we count bits.
  const modulusLength = key.algorithm === 'rsa' ? Math.ceil(key.bits / 8) * 8 : 0;
  if (key.algorithm === 'rsa' && key.oid === '1.2.840.113549.1.1.1') return { name: 'RSASSA-PKCS1-v1_5', modulusLength };
  if (key.algorithm === 'rsa') return { name: 'RSA-PSS', modulusLength };
  if (key.algorithm === 'ec' && ['P-256', 'P-384', 'P-521'].includes(key.curve)) return { name: 'ECDSA', namedCurve: key.curve };
  if (key.oid === '1.3.101.112') return { name: 'Ed25519' };
  // SM2 (its curve has no WebCrypto name), P-192, explicit curves, DSA: the OID.
  return { name: key.oid };
}

function agreesWithX509(c: Certificate, der: Uint8Array, label: string): void {
  const x = new x509.X509Certificate(der);
  // @peculiar/x509 keeps the RDNs: RDN by RDN, attribute by attribute (its parsed ASN.1 Name, a
  // TypeScript-private field of 2.2.0: toJSON() would group a multi-valued RDN by type).
  for (const [name, theirs] of [[c.subject, x.subjectName], [c.issuer, x.issuerName]] as const) {
    const rdns = (theirs as unknown as { asn: { type: string; value: { toString(): string } }[][] }).asn;
    expect(rdns.map((rdn) => rdn.map((a) => [a.type, a.value.toString()])), label).toEqual(name.rdns.map((rdn) => rdn.map((a) => [a.oid, a.value])));
  }
  // Disagreement: @peculiar/x509 prints a serial's content octets, so a negative serial (RFC 5280
  // forbids them; limbo rfc5280::serial::negative) shows as its two's complement, `fbce996c13`,
  // where we, like OpenSSL, write the value, `-04316693ED`. Compared as values.
  const xSerial = Buffer.from(x.serialNumber.length % 2 === 0 ? x.serialNumber : `0${x.serialNumber}`, 'hex');
  const xValue = c.serialNumber.startsWith('-') ? signedValue(xSerial) : BigInt(`0x${x.serialNumber}`);
  expect(xValue, `${label} serial`).toBe(serialValue(c.serialNumber));
  expect([x.notBefore.getTime(), x.notAfter.getTime()], `${label} validity`).toEqual([c.notBefore.getTime(), c.notAfter.getTime()]);
  expect(x.extensions.map((e) => [e.type, e.critical]), `${label} extensions`).toEqual(c.extensions.map((e) => [e.oid, e.critical]));
  expect(Buffer.from(x.publicKey.rawData).toString('hex'), `${label} SPKI`).toBe(Buffer.from(c.publicKey.spki).toString('hex'));
  expect(x.publicKey.algorithm, `${label} key algorithm`).toMatchObject(x509Algorithm(c));
}

// Mutants, from the fuzz test's generator (short overwrites and lengths, so many stay readable).
const mutation = derMutation({
  overwriteMax: 4,
  lengths: fc.oneof(fc.constantFrom(Uint8Array.of(0x80), Uint8Array.of(0x81, 0x01), Uint8Array.of(0x82, 0x00, 0x05), Uint8Array.of(0x00)), fc.uint8Array({ minLength: 1, maxLength: 3 })),
});


describe('asn1js cross-checks the DER reader', () => {
  it('on the committed fixtures: same tree, both accept', () => {
    for (const f of FIXTURES) expect(crossCheckDer(fixtureDer(f), f), f).toBe('both accept');
  });

  it.skipIf(!hasVectors)('on every vector certificate: same tree wherever we accept; they read what we refuse', () => {
    expect(VECTORS.size).toBeGreaterThan(1100);
    const outcomes: Record<string, number> = {};
    for (const [id, der] of VECTORS) {
      const outcome = crossCheckDer(der, id);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      // Our refusals are RFC 5280 rules or our size limit, never a DER disagreement.
      if (outcome !== 'both accept') expect(Object.keys(WE_REJECT), id).toContain(id);
    }
    // asn1js stops at nc-dos-1's peer too (`Maximum ASN.1 node count exceeded`).
    expect(outcomes).toEqual({
      'both accept': VECTORS.size - Object.keys(WE_REJECT).length,
      'only asn1js accepts': Object.keys(WE_REJECT).length - THEY_REJECT.size,
      'both reject': THEY_REJECT.size,
    });
  });

  it('on fuzzed mutants: never do we accept what asn1js refuses or reads as another tree', () => {
    const bases = FIXTURES.map(fixtureDer);
    if (hasVectors) {
      bases.push(must(VECTORS.get('bjca-challenge/cert.der')));
      for (const [id, der] of VECTORS) if (id.startsWith('sm2-')) bases.push(der);
    }
    const headers = bases.map((der) => {
      const starts: number[] = [];
      walkDer(der, (t) => starts.push(t.start));
      return starts;
    });
    const outcomes: Record<string, number> = {};
    fc.assert(
      fc.property(fc.nat({ max: bases.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (base, mutations) => {
        let der = must(bases[base]);
        for (const m of mutations) der = der.length === 0 ? der : applyMutation(der, must(headers[base]), m);
        const outcome = crossCheckDer(der, `base ${base} ${JSON.stringify(mutations, (_, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))}`);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }),
      { seed: 20_250_611, numRuns: 4000 },
    );
    // Both sides are exercised: mutants we accept (flipped bits in names, strings, key and signature
    // octets) and mutants only asn1js, a BER reader, accepts (non-minimal or indefinite lengths,
    // trailing bytes it reports and we refuse, broken RFC 5280 structure inside valid TLVs).
    expect(outcomes['both accept'] ?? 0).toBeGreaterThan(200);
    expect(outcomes['only asn1js accepts'] ?? 0).toBeGreaterThan(200);
    expect(outcomes['both reject'] ?? 0).toBeGreaterThan(200);
  });
});

describe('asn1js, pkijs and @peculiar/x509 on the conformance suite\'s mutants', () => {
  it('every mutant we accept (bits flipped in names, strings, keys and extension values) reads the same in all three', () => {
    const bases = FIXTURES.map(fixtureDer);
    if (hasVectors) {
      bases.push(must(VECTORS.get('bjca-challenge/cert.der')));
      for (const [id, der] of VECTORS) if (id.startsWith('sm2-')) bases.push(der);
    }
    let mutants = 0;
    const pkijsRefused: string[] = [];
    for (const base of bases) {
      for (const { name, certificate } of mutantCertificates(parseCertificate(base), 60)) {
        const der = certificate.der;
        expect(crossCheckDer(der, name)).toBe('both accept');
        agreesWithX509(certificate, der, name);
        mutants++;
        try {
          pkijs.Certificate.fromBER(der);
        } catch (e) {
          // Disagreement: pkijs decodes every extension it knows at once; we (like OpenSSL) keep the
          // ones no API of ours reads opaque. A flipped bit that turns basicConstraints (2.5.29.19)
          // into issuerAltName (2.5.29.18) leaves a BOOLEAN where pkijs wants a GeneralName.
          expect(certificate.extensions.some((x) => PKIJS_DECODES_WE_DO_NOT.has(x.oid)), `${name}: pkijs: ${(e as Error).message}`).toBe(true);
          pkijsRefused.push(name);
          continue;
        }
        agreesWithPkijs(certificate, der, name);
      }
    }
    expect(mutants).toBeGreaterThan(300);
    expect(pkijsRefused.length).toBeLessThan(5);
  });
});

describe('pkijs and @peculiar/x509 cross-check the parsed fields', () => {
  it('on the committed fixtures', () => {
    for (const f of FIXTURES) {
      const der = fixtureDer(f);
      const c = parseCertificate(der);
      agreesWithPkijs(c, der, f);
      agreesWithX509(c, der, f);
    }
  });

  it.skipIf(!hasVectors)('on every vector certificate; what we refuse they read, with the documented exceptions', () => {
    let compared = 0;
    const refused: Record<string, string> = {};
    for (const [id, der] of VECTORS) {
      const c = ours(der);
      if (typeof c === 'string') {
        refused[id] = c;
        if (THEY_REJECT.has(id)) {
          expect(() => pkijs.Certificate.fromBER(der), id).toThrow();
          expect(() => new x509.X509Certificate(der), id).toThrow(/node count/);
        } else {
          expect(() => pkijs.Certificate.fromBER(der), id).not.toThrow();
          expect(() => new x509.X509Certificate(der), id).not.toThrow();
        }
        continue;
      }
      agreesWithPkijs(c, der, id);
      agreesWithX509(c, der, id);
      compared++;
    }
    expect(Object.keys(refused).sort()).toEqual(Object.keys(WE_REJECT).sort());
    for (const [id, reason] of Object.entries(refused)) expect(reason, id).toMatch(must(WE_REJECT[id]));
    expect(compared).toBe(VECTORS.size - Object.keys(WE_REJECT).length);
  });

  it.skipIf(!hasVectors)('agree on the values of a negative serial, which @peculiar/x509 prints as octets', () => {
    const negative = [...VECTORS].find(([id]) => id.includes('rfc5280::serial::negative'));
    const [id, der] = must(negative);
    const c = parseCertificate(der);
    expect(c.serialNumber.startsWith('-'), id).toBe(true);
    expect(new x509.X509Certificate(der).serialNumber).toBe('fbce996c13');
    agreesWithPkijs(c, der, id);
    agreesWithX509(c, der, id);
  });
});
