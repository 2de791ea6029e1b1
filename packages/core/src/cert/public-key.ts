/**
 * SubjectPublicKeyInfo decoding (RFC 5280 §4.1.2.7, RFC 3279, RFC 5480, GM/T 0006 / GB/T 33560).
 */
import { DerError, DerReader, Tag } from '../asn1/der';
import { checkBitString, checkInteger, checkNull, decodeOid, toHex } from '../asn1/decode';
import { OID } from '../asn1/oids';

/** An RSA public key. */
export interface RsaPublicKeyInfo {
  readonly algorithm: 'rsa';
  /** The SPKI algorithm OID: rsaEncryption, or RSASSA-PSS for a PSS-only key. */
  readonly oid: string;
  /** Modulus size in bits, e.g. 2048. */
  readonly bits: number;
  /** Modulus, lowercase hex without a sign-padding byte. */
  readonly modulus: string;
  /** Public exponent, e.g. 65537 (exact up to 2^53; see `exponentHex` beyond). */
  readonly exponent: number;
  /** Public exponent, lowercase hex without a sign-padding byte. */
  readonly exponentHex: string;
  /** The whole SubjectPublicKeyInfo DER (for `crypto.createPublicKey({ format: 'der', type: 'spki' })`). */
  readonly spki: Uint8Array;
}

/** Named curves reported by name; any other curve is reported by its OID. */
export type EcCurve = 'P-256' | 'P-384' | 'P-521' | (string & {});

/** An ECDSA / ECDH public key on a curve other than SM2. */
export interface EcPublicKeyInfo {
  readonly algorithm: 'ec';
  /** The SPKI algorithm OID (id-ecPublicKey). */
  readonly oid: string;
  /**
   * `P-256`, `P-384`, `P-521`, another named curve's OID, or `explicit` when the certificate spells
   * out the curve parameters (RFC 5480 forbids it; see `parameters`).
   */
  readonly curve: EcCurve;
  /** The EC point as encoded (0x04 ‖ X ‖ Y, or compressed 0x02/0x03 ‖ X). */
  readonly point: Uint8Array;
  /** The explicit curve parameters' DER, only when `curve` is `explicit`. */
  readonly parameters?: Uint8Array | undefined;
  /** The whole SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
}

/**
 * An SM2 public key: id-ecPublicKey with the named curve `1.2.156.10197.1.301`, or (rarely) the SM2
 * OID itself as the key algorithm.
 */
export interface Sm2PublicKeyInfo {
  readonly algorithm: 'sm2';
  /** The SPKI algorithm OID (id-ecPublicKey, or the SM2 OID). */
  readonly oid: string;
  readonly curve: 'SM2';
  /** The EC point as encoded (0x04 ‖ X ‖ Y, 65 bytes, or compressed). */
  readonly point: Uint8Array;
  /** The whole SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
}

/** A key of any other algorithm (Ed25519, DSA…): only its OID and raw bytes. */
export interface UnknownPublicKeyInfo {
  readonly algorithm: 'unknown';
  /** The SPKI algorithm OID. */
  readonly oid: string;
  /** The AlgorithmIdentifier parameters' DER, when present. */
  readonly parameters?: Uint8Array | undefined;
  /** The subjectPublicKey bits (the BIT STRING content after the unused-bits octet). */
  readonly key: Uint8Array;
  /** The whole SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
}

/** A certificate's public key, discriminated by `algorithm`. */
export type PublicKeyInfo = RsaPublicKeyInfo | EcPublicKeyInfo | Sm2PublicKeyInfo | UnknownPublicKeyInfo;

const CURVES: ReadonlyMap<string, readonly [EcCurve, number]> = new Map([
  [OID.secp256r1, ['P-256', 32] as const],
  [OID.secp384r1, ['P-384', 48] as const],
  [OID.secp521r1, ['P-521', 66] as const],
]);

function checkPoint(b: Uint8Array, s: number, e: number, fieldBytes: number): void {
  const len = e - s;
  const f = b[s];
  const ok =
    (f === 0x04 && (fieldBytes === 0 ? len >= 3 && len % 2 === 1 : len === 1 + 2 * fieldBytes)) ||
    ((f === 0x02 || f === 0x03) && (fieldBytes === 0 ? len >= 2 : len === 1 + fieldBytes));
  if (!ok) throw new DerError('invalid EC point', s);
}

/** Reads a positive INTEGER (RSA modulus or exponent); returns [start, end) without the sign octet. */
function positiveInteger(r: DerReader, what: string): [number, number] {
  r.expect(Tag.INTEGER, what);
  const b = r.bytes;
  let s = r.contentStart;
  const e = r.contentEnd;
  checkInteger(b, s, e);
  if (((b[s] ?? 0) & 0x80) !== 0 || (e - s === 1 && b[s] === 0)) throw new DerError(`${what} must be positive`, s);
  if (b[s] === 0) s++;
  return [s, e];
}

function sm2Key(b: Uint8Array, oid: string, ks: number, ke: number, spkiStart: number, spkiEnd: number): Sm2PublicKeyInfo {
  const point = b.slice(ks, ke);
  return { algorithm: 'sm2', oid, curve: 'SM2', point, spki: b.slice(spkiStart, spkiEnd) };
}

/** The subjectPublicKey bits of a SubjectPublicKeyInfo DER (the BIT STRING value, without the unused-bits octet). */
export function subjectPublicKeyBits(spki: Uint8Array): Uint8Array {
  const r = new DerReader(spki);
  r.expect(Tag.SEQUENCE, 'SubjectPublicKeyInfo');
  r.enter();
  r.expect(Tag.SEQUENCE, 'algorithm');
  r.expect(Tag.BIT_STRING, 'subjectPublicKey');
  return spki.slice(r.contentStart + 1, r.contentEnd);
}

/**
 * Reads the SubjectPublicKeyInfo SEQUENCE that is the reader's current TLV; returns the key when
 * `build` is true (arrays are fresh copies), validates only otherwise.
 *
 * Strictness: the key BIT STRING has no unused bits; RSA keys hold a well-formed RSAPublicKey with
 * positive modulus and exponent, and rsaEncryption parameters are NULL or absent; id-ecPublicKey
 * names its curve (an explicit SEQUENCE of parameters is reported as curve `explicit`; implicitCA and
 * absent parameters are rejected); points are uncompressed or compressed and have the right length
 * for P-256, P-384, P-521 and SM2. Other algorithms are reported as `unknown` without checks.
 */
export function readSpki(r: DerReader, build: true): PublicKeyInfo;
export function readSpki(r: DerReader, build: boolean): PublicKeyInfo | undefined;
export function readSpki(r: DerReader, build: boolean): PublicKeyInfo | undefined {
  const b = r.bytes;
  const spkiStart = r.start;
  const spkiEnd = r.contentEnd;
  r.enter();
  r.expect(Tag.SEQUENCE, 'public key AlgorithmIdentifier');
  r.enter();
  r.expect(Tag.OID, 'public key algorithm');
  const oid = decodeOid(b, r.contentStart, r.contentEnd);
  let pTag = -1;
  let pStart = 0;
  let pContent = 0;
  let pEnd = 0;
  if (!r.done) {
    pTag = r.next();
    pStart = r.start;
    pContent = r.contentStart;
    pEnd = r.contentEnd;
  }
  r.leave('public key AlgorithmIdentifier');
  r.expect(Tag.BIT_STRING, 'subjectPublicKey');
  if (checkBitString(b, r.contentStart, r.contentEnd) !== 0) {
    throw new DerError('subjectPublicKey has unused bits', r.start);
  }
  const ks = r.contentStart + 1;
  const ke = r.contentEnd;
  let result: PublicKeyInfo | undefined;

  if (oid === OID.rsaEncryption || oid === OID.rsassaPss) {
    if (oid === OID.rsaEncryption && pTag !== -1) {
      if (pTag !== Tag.NULL) throw new DerError('rsaEncryption parameters must be NULL', pStart);
      checkNull(pContent, pEnd);
    }
    r.enterEncapsulated(1);
    r.expect(Tag.SEQUENCE, 'RSAPublicKey');
    r.enter();
    const [ms, me] = positiveInteger(r, 'RSA modulus');
    const [es, ee] = positiveInteger(r, 'RSA public exponent');
    r.leave('RSAPublicKey');
    r.leave('subjectPublicKey');
    if (build) {
      const exponentHex = toHex(b, es, ee);
      result = {
        algorithm: 'rsa',
        oid,
        bits: (me - ms - 1) * 8 + (32 - Math.clz32(b[ms] ?? 0)),
        modulus: toHex(b, ms, me),
        exponent: Number.parseInt(exponentHex, 16),
        exponentHex,
        spki: b.slice(spkiStart, spkiEnd),
      };
    }
  } else if (oid === OID.ecPublicKey) {
    if (pTag === Tag.OID) {
      const curveOid = decodeOid(b, pContent, pEnd);
      if (curveOid === OID.sm2) {
        checkPoint(b, ks, ke, 32);
        if (build) result = sm2Key(b, oid, ks, ke, spkiStart, spkiEnd);
      } else {
        const known = CURVES.get(curveOid);
        checkPoint(b, ks, ke, known?.[1] ?? 0);
        if (build) {
          const curve = known?.[0] ?? curveOid;
          const point = b.slice(ks, ke);
          result = { algorithm: 'ec', oid, curve, point, parameters: undefined, spki: b.slice(spkiStart, spkiEnd) };
        }
      }
    } else if (pTag === Tag.SEQUENCE) {
      checkPoint(b, ks, ke, 0);
      if (build) {
        result = {
          algorithm: 'ec',
          oid,
          curve: 'explicit',
          point: b.slice(ks, ke),
          parameters: b.slice(pStart, pEnd),
          spki: b.slice(spkiStart, spkiEnd),
        };
      }
    } else {
      throw new DerError('EC key parameters must name a curve', pTag === -1 ? r.start : pStart);
    }
  } else if (oid === OID.sm2) {
    if (pTag !== -1) {
      const isNull = pTag === Tag.NULL && pContent === pEnd;
      const isSm2 = pTag === Tag.OID && decodeOid(b, pContent, pEnd) === OID.sm2;
      if (!isNull && !isSm2) throw new DerError('SM2 key parameters must be absent, NULL or the SM2 curve', pStart);
    }
    checkPoint(b, ks, ke, 32);
    if (build) result = sm2Key(b, oid, ks, ke, spkiStart, spkiEnd);
  } else if (build) {
    result = {
      algorithm: 'unknown',
      oid,
      parameters: pTag === -1 ? undefined : b.slice(pStart, pEnd),
      key: b.slice(ks, ke),
      spki: b.slice(spkiStart, spkiEnd),
    };
  }
  r.leave('SubjectPublicKeyInfo');
  return result === undefined ? undefined : Object.freeze(result);
}
