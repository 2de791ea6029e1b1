/**
 * Resolves what the caller presents (a certificate, a PublicKeyInfo, SPKI DER, a PEM public key)
 * into a verification key, with Node KeyObjects cached so a repeated key costs a map lookup.
 *
 * @internal
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { DerError, DerReader, Tag } from '../asn1/index';
import { LruCache } from '../cert/cache';
import { Certificate, parseCertificate, type CertificateInput } from '../cert/index';
import {
  readSpki,
  type EcPublicKeyInfo,
  type PublicKeyInfo,
  type RsaPublicKeyInfo,
  type Sm2PublicKeyInfo,
} from '../cert/public-key';
import { YizhengError } from '../errors/index';
import { asBytes, bytesKey, pemPublicKey, sameBytes } from './bytes';

/** What {@link verifySignature} accepts as `publicKey`. */
export type PublicKeyInput = PublicKeyInfo | Uint8Array | ArrayBuffer | string;

/** The ECDSA curves Yizheng verifies through Node. */
export type EcdsaCurve = 'P-256' | 'P-384' | 'P-521';

const hexBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

/** Group orders, big-endian. */
export const CURVE_ORDERS: Readonly<Record<EcdsaCurve | 'SM2', Uint8Array>> = {
  'P-256': hexBytes('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
  'P-384': hexBytes(
    'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
  ),
  'P-521': hexBytes(
    '01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
  ),
  SM2: hexBytes('fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123'),
};

/** Field (and r, s) size in bytes. */
export const FIELD_BYTES: Readonly<Record<EcdsaCurve | 'SM2', number>> = {
  'P-256': 32,
  'P-384': 48,
  'P-521': 66,
  SM2: 32,
};

/** A key ready for verification. */
export type ResolvedKey =
  | {
      readonly kind: 'rsa';
      readonly info: RsaPublicKeyInfo;
      readonly keyObject: KeyObject;
      /** Modulus, big-endian, no sign byte. */
      readonly modulus: Uint8Array;
      /** k: the signature length in bytes. */
      readonly size: number;
      /** True for an RSASSA-PSS (PSS-only) key. */
      readonly pssOnly: boolean;
    }
  | {
      readonly kind: 'ec';
      readonly info: EcPublicKeyInfo;
      readonly keyObject: KeyObject;
      readonly curve: EcdsaCurve;
    }
  | { readonly kind: 'sm2'; readonly info: Sm2PublicKeyInfo };

const byInfo = new WeakMap<object, ResolvedKey>();
const bySpki = new LruCache<ResolvedKey>(256);
/**
 * The caller's own SPKI byte array (or ArrayBuffer) → the key, with a private copy of the bytes
 * that is compared on every hit: a caller that reuses or mutates its buffer gets the right key.
 */
const byBytesObject = new WeakMap<object, { readonly copy: Uint8Array; readonly key: ResolvedKey }>();

function malformed(reason: string): YizhengError {
  return new YizhengError('SIGNATURE_MALFORMED', { reason });
}

function nodeKey(spki: Uint8Array): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength), format: 'der', type: 'spki' });
  } catch (e) {
    throw new YizhengError(
      'SIGNATURE_MALFORMED',
      { reason: `the public key is invalid (${e instanceof Error ? e.message : String(e)})` },
      { cause: e },
    );
  }
}

function resolveInfo(info: PublicKeyInfo): ResolvedKey {
  switch (info.algorithm) {
    case 'rsa': {
      const modulus = hexBytes(info.modulus.length % 2 === 1 ? '0' + info.modulus : info.modulus);
      return {
        kind: 'rsa',
        info,
        keyObject: nodeKey(info.spki),
        modulus,
        size: Math.ceil(info.bits / 8),
        pssOnly: info.oid === '1.2.840.113549.1.1.10',
      };
    }
    case 'ec': {
      const curve = info.curve;
      if (curve !== 'P-256' && curve !== 'P-384' && curve !== 'P-521') {
        throw malformed(`unsupported elliptic curve ${curve}`);
      }
      return { kind: 'ec', info, keyObject: nodeKey(info.spki), curve: curve as EcdsaCurve };
    }
    case 'sm2':
      return { kind: 'sm2', info };
    default:
      throw malformed(`unsupported public key algorithm ${info.oid}`);
  }
}

/** Parses SPKI DER strictly (the certificate parser's rules) and resolves it, cached by its bytes. */
function resolveSpki(spki: Uint8Array): ResolvedKey {
  if (spki.length > 16 * 1024) throw malformed('the public key is larger than 16 KiB');
  const id = bytesKey(spki);
  const hit = bySpki.get(id);
  if (hit !== undefined) return hit;
  const copy = new Uint8Array(spki); // a private copy: the cached key must never change
  let info: PublicKeyInfo;
  try {
    const r = new DerReader(copy);
    r.expect(Tag.SEQUENCE, 'SubjectPublicKeyInfo');
    info = readSpki(r, true);
    r.finish('SubjectPublicKeyInfo');
  } catch (e) {
    if (e instanceof DerError) throw malformed(`the public key is not a valid SubjectPublicKeyInfo: ${e.message}`);
    throw e;
  }
  const resolved = resolveInfo(info);
  bySpki.set(id, resolved);
  return resolved;
}

function isPublicKeyInfo(v: unknown): v is PublicKeyInfo {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as { algorithm?: unknown; spki?: unknown };
  return typeof o.algorithm === 'string' && o.spki instanceof Uint8Array;
}

/**
 * The key of `certificate` or `publicKey` (exactly one must be given).
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` for a missing or doubled key, `CERT_MALFORMED` for a
 *   certificate that does not parse, `SIGNATURE_MALFORMED` for a key that cannot verify anything
 *   (unsupported algorithm or curve, invalid encoding).
 */
export function resolveKey(
  certificate: Certificate | CertificateInput | undefined,
  publicKey: PublicKeyInput | undefined,
): { key: ResolvedKey; certificate: Certificate | undefined } {
  if ((certificate === undefined) === (publicKey === undefined)) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'give exactly one of certificate and publicKey' });
  }
  if (certificate !== undefined) {
    const cert = certificate instanceof Certificate ? certificate : parseCertificate(certificate);
    return { key: resolvePublicKey(cert.publicKey), certificate: cert };
  }
  if (publicKey === undefined) throw new YizhengError('INVALID_ARGUMENT', { reason: 'give exactly one of certificate and publicKey' });
  return { key: resolvePublicKey(publicKey), certificate: undefined };
}

/** Resolves a public key given alone. */
export function resolvePublicKey(publicKey: PublicKeyInput): ResolvedKey {
  if (typeof publicKey === 'string') {
    const der = pemPublicKey(publicKey);
    if (der === undefined) {
      throw new YizhengError('INVALID_ARGUMENT', {
        reason: 'a string publicKey must be a PEM block -----BEGIN PUBLIC KEY-----',
      });
    }
    return resolveSpki(der);
  }
  const bytes = asBytes(publicKey);
  if (bytes !== undefined) {
    const hit = byBytesObject.get(publicKey);
    if (hit !== undefined && sameBytes(hit.copy, bytes)) return hit.key;
    const key = resolveSpki(bytes);
    byBytesObject.set(publicKey, { copy: new Uint8Array(bytes), key });
    return key;
  }
  if (isPublicKeyInfo(publicKey)) {
    const hit = byInfo.get(publicKey);
    if (hit !== undefined) return hit;
    // The SPKI bytes are authoritative: a hand-made object cannot claim another key type.
    const resolved = resolveSpki(publicKey.spki);
    byInfo.set(publicKey, resolved);
    return resolved;
  }
  throw new YizhengError('INVALID_ARGUMENT', {
    reason: 'publicKey must be a PublicKeyInfo, SPKI DER bytes or a PEM public key',
  });
}

/** @internal Empties the key caches. */
export function clearKeyCaches(): void {
  bySpki.clear();
}
