/**
 * Keys held in the page for the software token: PEM / base64 input, the few certificate fields it
 * needs (subject CN, issuer and serial for CMS, the public key), PKCS#8 private keys imported into
 * WebCrypto (RSA, ECDSA P-256 / P-384) or read for SM2, and signatures in raw, DER or CMS form.
 *
 * @internal
 */
import { DerError, DerReader, Tag } from '../asn1/der';
import { decodeOid, decodeString } from '../asn1/decode';
import { derExplicit, derInteger, derNull, derOctetString, derOid, derSequence, derSet, derImplicit } from '../asn1/encode';
import { clientError } from '../client/errors';
import { SM2_A, SM2_B, SM2_GX, SM2_GY, SM2_N, bigIntToBytes, bytesToBigInt, canonical, modInverse, multiplyBase } from '../crypto/sm2-curve';
import { Sm3, sm3 } from '../crypto/sm3';

/** The signature encodings the software token writes. */
export type SoftwareSignatureFormat = 'raw' | 'der' | 'cms';

const OID = {
  rsa: '1.2.840.113549.1.1.1',
  ec: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  sm2: '1.2.156.10197.1.301',
  cn: '2.5.4.3',
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
} as const;

/** The key kinds the software token signs with. */
export type SoftwareKeyKind = 'rsa' | 'p256' | 'p384' | 'sm2';

/** What the token keeps of a certificate. */
export interface CertificateFacts {
  readonly der: Uint8Array;
  readonly base64: string;
  readonly subjectCn: string | undefined;
  /** The issuer Name DER (for the CMS signer id). */
  readonly issuer: Uint8Array;
  /** The serial number INTEGER DER. */
  readonly serial: Uint8Array;
  readonly spki: Uint8Array;
  readonly keyAlgorithm: string;
  readonly curve: string | undefined;
  /** The subjectPublicKey BIT STRING's bits. */
  readonly publicKey: Uint8Array;
}

/** A private key ready to sign. */
export interface SigningKey {
  readonly kind: SoftwareKeyKind;
  /** Signs `data`; ECDSA and SM2 return raw r‖s, RSA the signature. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** Bytes of PEM, base64 or DER input (`what` names it in the error). */
export function pemOrBase64(input: string | Uint8Array, what: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  const body = input.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  try {
    const bin = atob(body);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    if (out.length === 0) throw new RangeError('empty');
    return out;
  } catch {
    throw new RangeError(`software token: the ${what} is not PEM or base64`);
  }
}

/** Base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function readName(der: Uint8Array, start: number, end: number): string | undefined {
  const r = new DerReader(der, start, end);
  while (!r.done) {
    r.expect(Tag.SET, 'RDN');
    r.enter();
    while (!r.done) {
      r.expect(Tag.SEQUENCE, 'AttributeTypeAndValue');
      r.enter();
      r.expect(Tag.OID, 'attribute type');
      const oid = decodeOid(der, r.contentStart, r.contentEnd);
      r.next();
      if (oid === OID.cn) return decodeString(der, r.tag, r.contentStart, r.contentEnd);
      r.leave('AttributeTypeAndValue');
    }
    r.leave('RDN');
  }
  return undefined;
}

/** Reads the certificate fields the token needs. */
export function readCertificate(input: string | Uint8Array): CertificateFacts {
  const der = pemOrBase64(input, 'certificate');
  try {
    const r = new DerReader(der);
    r.expect(Tag.SEQUENCE, 'Certificate');
    r.enter();
    r.expect(Tag.SEQUENCE, 'tbsCertificate');
    r.enter();
    r.optional(0xa0);
    r.expect(Tag.INTEGER, 'serialNumber');
    const serial = der.slice(r.start, r.contentEnd);
    r.expect(Tag.SEQUENCE, 'signature');
    r.expect(Tag.SEQUENCE, 'issuer');
    const issuer = der.slice(r.start, r.contentEnd);
    r.expect(Tag.SEQUENCE, 'validity');
    r.expect(Tag.SEQUENCE, 'subject');
    const subjectCn = readName(der, r.contentStart, r.contentEnd);
    r.expect(Tag.SEQUENCE, 'subjectPublicKeyInfo');
    const spki = der.slice(r.start, r.contentEnd);
    r.enter();
    r.expect(Tag.SEQUENCE, 'algorithm');
    r.enter();
    r.expect(Tag.OID, 'algorithm');
    const keyAlgorithm = decodeOid(der, r.contentStart, r.contentEnd);
    const curve = r.optional(Tag.OID) ? decodeOid(der, r.contentStart, r.contentEnd) : undefined;
    r.pos = r.end;
    r.leave('algorithm');
    r.expect(Tag.BIT_STRING, 'subjectPublicKey');
    const publicKey = der.slice(r.contentStart + 1, r.contentEnd);
    return { der, base64: toBase64(der), subjectCn, issuer, serial, spki, keyAlgorithm, curve, publicKey };
  } catch (error) {
    if (error instanceof DerError) throw new RangeError(`software token: the certificate is not DER X.509 (${error.message})`);
    throw error;
  }
}

type Subtle = typeof globalThis.crypto.subtle;
/** A copy WebCrypto's BufferSource typing accepts. */
const buffer = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);
type Key = Awaited<ReturnType<Subtle['importKey']>>;
interface KeyParams {
  readonly name: string;
  readonly hash: string;
  readonly namedCurve?: string;
}

function subtle(): Subtle {
  const s = globalThis.crypto?.subtle;
  if (!s) throw clientError('MECHANISM_UNSUPPORTED', { mechanism: 'WebCrypto (crypto.subtle): use https or localhost' });
  return s;
}

function ecdsa(kind: 'p256' | 'p384'): KeyParams {
  return { name: 'ECDSA', namedCurve: kind === 'p256' ? 'P-256' : 'P-384', hash: kind === 'p256' ? 'SHA-256' : 'SHA-384' };
}
const RSA: KeyParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

function randomScalar(): bigint {
  for (;;) {
    const k = bytesToBigInt(globalThis.crypto.getRandomValues(new Uint8Array(32)));
    if (k > 0n && k < SM2_N) return k;
  }
}

/** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) with the default id `1234567812345678` (GM/T 0009). */
function sm2Z(point: Uint8Array): Uint8Array {
  const id = new TextEncoder().encode('1234567812345678');
  const h = new Sm3().update(Uint8Array.of((id.length * 8) >> 8, (id.length * 8) & 0xff)).update(id);
  for (const v of [SM2_A, SM2_B, SM2_GX, SM2_GY]) h.update(bigIntToBytes(v));
  return h.update(point.subarray(1)).digest();
}

/**
 * SM2 signing (GM/T 0003.2 §6.1) with the default user id. Variable-time BigInt arithmetic: for
 * tests, demos and development keys only, never for a real private key.
 */
function sm2Signer(d: bigint, point: Uint8Array): SigningKey {
  const z = sm2Z(point);
  return {
    kind: 'sm2',
    async sign(data) {
      const e = bytesToBigInt(new Sm3().update(z).update(data).digest());
      for (;;) {
        const k = randomScalar();
        const kG = multiplyBase(k);
        if (kG === undefined) continue;
        const r = canonical(e + kG[0], SM2_N);
        if (r === 0n || r + k === SM2_N) continue;
        const s = canonical(modInverse(1n + d, SM2_N) * (k - r * d), SM2_N);
        if (s === 0n) continue;
        const out = new Uint8Array(64);
        out.set(bigIntToBytes(r), 0);
        out.set(bigIntToBytes(s), 32);
        return out;
      }
    },
  };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The key kind of a certificate, or `MECHANISM_UNSUPPORTED`. */
export function kindOf(cert: CertificateFacts): SoftwareKeyKind {
  if (cert.keyAlgorithm === OID.rsa) return 'rsa';
  if (cert.keyAlgorithm === OID.ec && cert.curve === OID.p256) return 'p256';
  if (cert.keyAlgorithm === OID.ec && cert.curve === OID.p384) return 'p384';
  if ((cert.keyAlgorithm === OID.ec && cert.curve === OID.sm2) || cert.keyAlgorithm === OID.sm2) return 'sm2';
  throw clientError('MECHANISM_UNSUPPORTED', { mechanism: cert.curve ?? cert.keyAlgorithm });
}

/** The private scalar d of an SM2 PKCS#8 key. */
export function sm2PrivateScalar(pkcs8: Uint8Array): bigint {
  const r = new DerReader(pkcs8);
  r.expect(Tag.SEQUENCE, 'PrivateKeyInfo');
  r.enter();
  r.expect(Tag.INTEGER, 'version');
  r.expect(Tag.SEQUENCE, 'privateKeyAlgorithm');
  r.expect(Tag.OCTET_STRING, 'privateKey');
  r.enterEncapsulated();
  r.expect(Tag.SEQUENCE, 'ECPrivateKey');
  r.enter();
  r.expect(Tag.INTEGER, 'version');
  r.expect(Tag.OCTET_STRING, 'privateKey');
  return bytesToBigInt(pkcs8, r.contentStart, r.contentEnd);
}

/**
 * Imports the private key for `cert` and checks that the two belong together.
 *
 * @throws {YizhengError} `MECHANISM_UNSUPPORTED` for other key types (e.g. Ed25519).
 * @throws {RangeError} when the key is not PKCS#8 or does not match the certificate.
 */
export async function importSigningKey(cert: CertificateFacts, privateKey: string | Uint8Array): Promise<SigningKey> {
  const kind = kindOf(cert);
  const pkcs8 = pemOrBase64(privateKey, 'private key');
  const mismatch = (): RangeError => new RangeError('software token: the private key does not match the certificate');
  if (kind === 'sm2') {
    let d: bigint;
    try {
      d = sm2PrivateScalar(pkcs8);
    } catch (error) {
      if (error instanceof DerError) throw new RangeError(`software token: the SM2 private key is not PKCS#8 (${error.message})`);
      throw error;
    }
    const q = d > 0n && d < SM2_N ? multiplyBase(d) : undefined;
    if (q === undefined) throw mismatch();
    const point = new Uint8Array(65);
    point[0] = 4;
    point.set(bigIntToBytes(q[0]), 1);
    point.set(bigIntToBytes(q[1]), 33);
    if (!equalBytes(point, cert.publicKey)) throw mismatch();
    return sm2Signer(d, point);
  }
  const params = kind === 'rsa' ? RSA : ecdsa(kind);
  const s = subtle();
  let key: Key;
  let publicKey: Key;
  try {
    key = await s.importKey('pkcs8', buffer(pkcs8), params, false, ['sign']);
    publicKey = await s.importKey('spki', buffer(cert.spki), params, false, ['verify']);
  } catch (error) {
    throw new RangeError(`software token: the private key is not a PKCS#8 ${kind} key (${String(error)})`);
  }
  const probe = new TextEncoder().encode('yizheng software token probe');
  if (!(await s.verify(params, publicKey, await s.sign(params, key, probe), probe))) throw mismatch();
  return {
    kind,
    async sign(data) {
      return new Uint8Array(await s.sign(params, key, buffer(data)));
    },
  };
}

/** DER `SEQUENCE { r, s }` of a raw r‖s signature. */
export function rawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return derSequence(derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half)));
}

const DIGEST: Readonly<Record<SoftwareKeyKind, { readonly oid: string; readonly name: string }>> = {
  rsa: { oid: '2.16.840.1.101.3.4.2.1', name: 'SHA-256' },
  p256: { oid: '2.16.840.1.101.3.4.2.1', name: 'SHA-256' },
  p384: { oid: '2.16.840.1.101.3.4.2.2', name: 'SHA-384' },
  sm2: { oid: '1.2.156.10197.1.401', name: 'SM3' },
};
const SIGNATURE_ALGORITHM: Readonly<Record<SoftwareKeyKind, Uint8Array>> = {
  rsa: derSequence(derOid('1.2.840.113549.1.1.11'), derNull()),
  p256: derSequence(derOid('1.2.840.10045.4.3.2')),
  p384: derSequence(derOid('1.2.840.10045.4.3.3')),
  sm2: derSequence(derOid('1.2.156.10197.1.501')),
};

/** Signs `data` and encodes the signature as asked (RSA has no DER form: `der` gives the raw signature). */
export async function signAs(key: SigningKey, cert: CertificateFacts, data: Uint8Array, format: SoftwareSignatureFormat): Promise<Uint8Array> {
  if (format !== 'cms') {
    const raw = await key.sign(data);
    return format === 'der' && key.kind !== 'rsa' ? rawToDer(raw) : raw;
  }
  // Detached CMS SignedData with signed attributes (content type, message digest), as CSP-based
  // clients such as CFCA CryptoKit write it.
  const digest = DIGEST[key.kind];
  const hash = digest.name === 'SM3' ? sm3(data) : new Uint8Array(await subtle().digest(digest.name, buffer(data)));
  const attributes = derSet(
    derSequence(derOid(OID.contentType), derSet(derOid(OID.data))),
    derSequence(derOid(OID.messageDigest), derSet(derOctetString(hash))),
  );
  const raw = await key.sign(attributes);
  const signature = key.kind === 'rsa' ? raw : rawToDer(raw);
  const signerInfo = derSequence(
    derInteger(1),
    derSequence(cert.issuer, cert.serial),
    derSequence(derOid(digest.oid)),
    derImplicit(0, attributes),
    SIGNATURE_ALGORITHM[key.kind],
    derOctetString(signature),
  );
  const signedData = derSequence(
    derInteger(1),
    derSet(derSequence(derOid(digest.oid))),
    derSequence(derOid(OID.data)),
    derExplicit(0, cert.der),
    derSet(signerInfo),
  );
  return derSequence(derOid(OID.signedData), derExplicit(0, signedData));
}
