/**
 * The software token's decryption keys: the private key behind an encryption certificate, for the
 * key-transport ciphertexts of envelopes (a bid's content key, opened at 开标). RSA through WebCrypto
 * (RSA-OAEP with SHA-256 or SHA-1); RSAES-PKCS1-v1_5 is not in WebCrypto, so it is refused with
 * `MECHANISM_UNSUPPORTED`. SM2 through the JavaScript SM2 decryption of `envelope/sm2-cipher.ts`
 * (variable-time BigInt arithmetic: for tests, demos and development keys only).
 *
 * @internal
 */
import { clientError } from '../client/errors';
import type { TokenDecryptAlgorithm } from '../client/token-driver';
import { sm2Decrypt } from '../envelope/sm2-cipher';
import { DerError } from '../asn1/der';
import { SM2_N, bigIntToBytes, multiplyBase } from '../crypto/sm2-curve';
import { kindOf, pemOrBase64, sm2PrivateScalar, type CertificateFacts } from './keys';

/** A private key ready to decrypt. */
export interface DecryptionKey {
  /** `rsa` or `sm2`. */
  readonly kind: 'rsa' | 'sm2';
  /**
   * Decrypts `ciphertext` made with `algorithm` (default by the key: `sm2`, or `rsa-oaep`).
   *
   * @throws {YizhengError} `MECHANISM_UNSUPPORTED` for an algorithm the key or WebCrypto cannot do;
   *   `CLIENT_REPORTED_ERROR` when the ciphertext does not decrypt with this key.
   */
  decrypt(ciphertext: Uint8Array, algorithm?: TokenDecryptAlgorithm): Promise<Uint8Array>;
}

const OAEP_HASH: Readonly<Partial<Record<TokenDecryptAlgorithm, string>>> = { 'rsa-oaep': 'SHA-256', 'rsa-oaep-sha1': 'SHA-1' };

const failed = (reason: string): ReturnType<typeof clientError> =>
  clientError('CLIENT_REPORTED_ERROR', { fn: 'decrypt', vendorText: `software token: ${reason}` });

function unsupported(algorithm: string, kind: string): ReturnType<typeof clientError> {
  return clientError('MECHANISM_UNSUPPORTED', { mechanism: `${algorithm} with an ${kind.toUpperCase()} key` });
}

/**
 * Imports the private key for the encryption certificate `cert` (PKCS#8: PEM, base64 or DER) and
 * checks that the two belong together.
 *
 * @throws {YizhengError} `MECHANISM_UNSUPPORTED` for a key other than RSA or SM2.
 * @throws {RangeError} when the key is not PKCS#8 or does not match the certificate.
 */
export async function importDecryptionKey(cert: CertificateFacts, privateKey: string | Uint8Array): Promise<DecryptionKey> {
  const kind = kindOf(cert);
  const pkcs8 = pemOrBase64(privateKey, 'encryption private key');
  const mismatch = (): RangeError => new RangeError('software token: the encryption private key does not match the encryption certificate');
  if (kind === 'sm2') {
    let d: bigint;
    try {
      d = sm2PrivateScalar(pkcs8);
    } catch (error) {
      if (error instanceof DerError) throw new RangeError(`software token: the SM2 encryption private key is not PKCS#8 (${error.message})`);
      throw error;
    }
    const q = d > 0n && d < SM2_N ? multiplyBase(d) : undefined;
    const point = q && Uint8Array.of(4, ...bigIntToBytes(q[0]), ...bigIntToBytes(q[1]));
    if (!point || point.length !== cert.publicKey.length || point.some((v, i) => v !== cert.publicKey[i])) throw mismatch();
    return {
      kind,
      async decrypt(ciphertext, algorithm = 'sm2') {
        if (algorithm !== 'sm2') throw unsupported(algorithm, kind);
        try {
          return sm2Decrypt(d, ciphertext);
        } catch (error) {
          throw failed(`SM2 decryption failed (${error instanceof Error ? error.message : String(error)})`.slice(0, 200));
        }
      },
    };
  }
  if (kind !== 'rsa') throw clientError('MECHANISM_UNSUPPORTED', { mechanism: `decryption with a ${kind} key` });
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw clientError('MECHANISM_UNSUPPORTED', { mechanism: 'WebCrypto (crypto.subtle): use https or localhost' });
  const copy = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);
  type Key = Awaited<ReturnType<typeof subtle.importKey>>;
  const keys = new Map<string, Promise<Key>>();
  const keyFor = (hash: string): Promise<Key> => {
    let key = keys.get(hash);
    if (!key) keys.set(hash, (key = subtle.importKey('pkcs8', copy(pkcs8), { name: 'RSA-OAEP', hash }, false, ['decrypt'])));
    return key;
  };
  // The key matches the certificate: a probe encrypted to the certificate decrypts.
  try {
    const publicKey = await subtle.importKey('spki', copy(cert.spki), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']);
    const probe = new TextEncoder().encode('yizheng software token probe');
    const back = new Uint8Array(await subtle.decrypt({ name: 'RSA-OAEP' }, await keyFor('SHA-256'), await subtle.encrypt({ name: 'RSA-OAEP' }, publicKey, probe)));
    if (back.length !== probe.length || back.some((v, i) => v !== probe[i])) throw mismatch();
  } catch (error) {
    if (error instanceof RangeError) throw error;
    // An OperationError: the probe does not decrypt, so the key is another one.
    if (error instanceof Error && error.name === 'OperationError') throw mismatch();
    throw new RangeError(`software token: the encryption private key is not a PKCS#8 RSA key (${String(error)})`);
  }
  return {
    kind,
    async decrypt(ciphertext, algorithm = 'rsa-oaep') {
      const hash = OAEP_HASH[algorithm];
      // RSAES-PKCS1-v1_5 is not in WebCrypto; SM2 needs an SM2 key.
      if (hash === undefined) throw unsupported(algorithm, kind);
      try {
        return new Uint8Array(await subtle.decrypt({ name: 'RSA-OAEP' }, await keyFor(hash), copy(ciphertext)));
      } catch (error) {
        throw failed(`RSA-OAEP (${hash}) decryption failed (${String(error)})`.slice(0, 200));
      }
    },
  };
}
