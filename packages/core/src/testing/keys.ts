/**
 * Keys for the test CA kit: RSA-2048, ECDSA P-256 (Node's crypto) and SM2 (the crypto module's
 * test signer), each able to sign and to export its SubjectPublicKeyInfo and PKCS#8 form.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  type KeyObject,
} from 'node:crypto';
import { derBitString, derExplicit, derInteger, derNull, derOctetString, derOid, derSequence } from '../asn1/encode';
import { subjectPublicKeyBits } from '../cert/public-key';
import { bigIntToBytes } from '../crypto/sm2-curve';
import { sm2Key, sm2Sign, type Sm2TestKey } from '../crypto/testing/sm2-signer';

/** The key algorithms the kit issues with. */
export type TestKeyAlgorithm = 'rsa' | 'ec' | 'sm2';

/** Hashes a test key may sign with (SM2 always uses SM3). */
export type TestSignatureHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/**
 * A key pair for tests. NEVER use one outside tests: SM2 signing here is variable-time BigInt
 * arithmetic, and nothing protects the private keys.
 */
export interface TestKey {
  /** `rsa` (2048-bit), `ec` (P-256) or `sm2`. */
  readonly algorithm: TestKeyAlgorithm;
  /** The SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
  /** The public key bits (the SPKI BIT STRING content without the unused-bits octet). */
  readonly publicKeyBits: Uint8Array;
  /** SHA-1 of {@link TestKey.publicKeyBits}: the RFC 5280 §4.2.1.2 method (1) key identifier. */
  readonly keyIdentifier: Uint8Array;
  /**
   * The AlgorithmIdentifier DER this key signs with: sha256WithRSAEncryption (NULL parameters),
   * ecdsa-with-SHA256, or SM2-with-SM3 (`1.2.156.10197.1.501`), or the given hash's variant.
   */
  signatureAlgorithm(hash?: TestSignatureHash): Uint8Array;
  /**
   * Signs `data`; returns the signature value as certificates, CRLs and OCSP carry it (RSA raw,
   * ECDSA and SM2 DER `SEQUENCE { r, s }`, SM2 with the default user id).
   */
  sign(data: Uint8Array, hash?: TestSignatureHash): Uint8Array;
  /** The private key as PKCS#8 DER (SM2: id-ecPublicKey with the SM2 curve, as GmSSL writes it). */
  pkcs8(): Uint8Array;
}

const OIDS = {
  rsa: { sha1: '1.2.840.113549.1.1.5', sha256: '1.2.840.113549.1.1.11', sha384: '1.2.840.113549.1.1.12', sha512: '1.2.840.113549.1.1.13' },
  ec: { sha1: '1.2.840.10045.4.1', sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3', sha512: '1.2.840.10045.4.3.4' },
} as const;
const SM2_WITH_SM3 = '1.2.156.10197.1.501';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const SM2_CURVE = '1.2.156.10197.1.301';

function sha1(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(data).digest());
}

function nodeKey(algorithm: 'rsa' | 'ec', privateKey: KeyObject, publicKey: KeyObject): TestKey {
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const bits = subjectPublicKeyBits(spki);
  return Object.freeze({
    algorithm,
    spki,
    publicKeyBits: bits,
    keyIdentifier: sha1(bits),
    signatureAlgorithm(hash: TestSignatureHash = 'sha256') {
      const oid = derOid(OIDS[algorithm][hash]);
      return algorithm === 'rsa' ? derSequence(oid, derNull()) : derSequence(oid);
    },
    sign(data: Uint8Array, hash: TestSignatureHash = 'sha256') {
      return new Uint8Array(nodeSign(hash, data, privateKey));
    },
    pkcs8() {
      return new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' }));
    },
  });
}

function sm2TestKey(key: Sm2TestKey): TestKey {
  const bits = key.point.slice();
  return Object.freeze({
    algorithm: 'sm2' as const,
    spki: key.spki.slice(),
    publicKeyBits: bits,
    keyIdentifier: sha1(bits),
    signatureAlgorithm() {
      return derSequence(derOid(SM2_WITH_SM3));
    },
    sign(data: Uint8Array) {
      return sm2Sign(key, data).der;
    },
    pkcs8() {
      // PrivateKeyInfo { 0, { id-ecPublicKey, sm2 }, OCTET STRING ECPrivateKey { 1, d, [1] point } }
      const ecPrivateKey = derSequence(derInteger(1), derOctetString(bigIntToBytes(key.d)), derExplicit(1, derBitString(key.point)));
      return derSequence(derInteger(0), derSequence(derOid(EC_PUBLIC_KEY), derOid(SM2_CURVE)), derOctetString(ecPrivateKey));
    },
  });
}

/**
 * Generates a fresh test key: RSA-2048 (about 50–200 ms), ECDSA P-256 or SM2 (about a millisecond).
 * Use {@link cachedTestKey} to share keys within a test file.
 */
export function generateTestKey(algorithm: TestKeyAlgorithm = 'ec'): TestKey {
  switch (algorithm) {
    case 'rsa': {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return nodeKey('rsa', privateKey, publicKey);
    }
    case 'ec': {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      return nodeKey('ec', privateKey, publicKey);
    }
    case 'sm2':
      return sm2TestKey(sm2Key());
    default:
      throw new RangeError(`unknown test key algorithm ${String(algorithm)}`);
  }
}

const cache = new Map<string, TestKey>();

/**
 * The same key for the same `(algorithm, label)` for the life of the module instance (vitest gives
 * each test file its own), so a test file generates each RSA key once.
 */
export function cachedTestKey(algorithm: TestKeyAlgorithm, label = 'default'): TestKey {
  const id = `${algorithm}:${label}`;
  let key = cache.get(id);
  if (key === undefined) {
    key = generateTestKey(algorithm);
    cache.set(id, key);
  }
  return key;
}

/** Imports an RSA or EC private key (PKCS#8 DER or PEM) generated elsewhere as a {@link TestKey}. */
export function importTestKey(pkcs8: Uint8Array | string): TestKey {
  const privateKey =
    typeof pkcs8 === 'string' ? createPrivateKey(pkcs8) : createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  const type = privateKey.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec') throw new RangeError(`importTestKey supports RSA and EC keys, not ${String(type)}`);
  return nodeKey(type, privateKey, createPublicKey(privateKey));
}

/** PEM text of DER bytes with the given label (64-character lines, final newline). */
export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + '\n';
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/** A test key's private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
export function privateKeyToPem(key: TestKey): string {
  return toPem('PRIVATE KEY', key.pkcs8());
}

/** A test key's public key as PEM (`-----BEGIN PUBLIC KEY-----`). */
export function publicKeyToPem(key: TestKey): string {
  return toPem('PUBLIC KEY', key.spki);
}
