/**
 * A token driver over keys held in the page: for tests, demos and developers without a USB key. It
 * behaves like a key: one PIN for its certificates (default `123456`; `1234` that must be changed
 * first with `mustChange`, as new keys ship), a wrong-PIN counter that locks after
 * `maxTries` (default 6), login before signing, insert / remove with events, and an optional
 * confirmation step (the user's cancel). Signatures are real: WebCrypto for RSA (PKCS#1 v1.5 SHA-256)
 * and ECDSA (P-256 / P-384), a JavaScript SM2 signer for SM2 keys, so they verify on the server.
 * With an encryption private key it also decrypts envelopes' content keys (`decrypt`: WebCrypto
 * RSA-OAEP, JavaScript SM2; RSAES-PKCS1-v1_5 is not in WebCrypto and is refused).
 *
 * Never load a production key: nothing protects it here, and the SM2 signer is not constant-time.
 */
import { cancelled } from '../client/abort';
import { clientError } from '../client/errors';
import { checkPinLength, exactPinStatus, formatPinError, type PinLength } from '../client/pin';
import type { PinStatus, TokenCallOptions, TokenCertificate, TokenDecryptRequest, TokenDriver, TokenEvent, TokenSignature } from '../client/token-driver';
import { importDecryptionKey, type DecryptionKey } from './decrypt';
import { importSigningKey, readCertificate, signAs, toBase64, type CertificateFacts, type SigningKey, type SoftwareSignatureFormat } from './keys';

/** A certificate and its private key. */
export interface SoftwareTokenCertificate {
  /** The signing certificate: PEM, base64 or DER. */
  readonly certificate: string | Uint8Array;
  /** Its private key, PKCS#8: PEM (`-----BEGIN PRIVATE KEY-----`), base64 or DER. */
  readonly privateKey: string | Uint8Array;
  /** The paired encryption certificate (PEM, base64 or DER), listed with it. */
  readonly encryptionCertificate?: string | Uint8Array | undefined;
  /**
   * The encryption certificate's private key (PKCS#8: PEM, base64 or DER; RSA or SM2), for
   * `decrypt`. Without an encryption certificate, `decrypt` uses `privateKey` (a key with one
   * certificate); with one but without this key, the token cannot decrypt (`CERT_NOT_FOUND`).
   */
  readonly encryptionPrivateKey?: string | Uint8Array | undefined;
  /** The certificate's id in the driver; default `cert-1`, `cert-2`, ... */
  readonly id?: string | undefined;
  /** The label shown; default the certificate's CN. */
  readonly label?: string | undefined;
}

/** What {@link SoftwareTokenOptions.confirm} is asked. */
export interface SoftwareSignRequest {
  /** The certificate that would sign. */
  readonly certId: string;
  /** The text that would be signed. */
  readonly text: string;
}

/** Options of {@link createSoftwareToken}. */
export interface SoftwareTokenOptions {
  /** The certificates on the key, with their private keys. */
  readonly certificates: readonly SoftwareTokenCertificate[];
  /** Driver id; default `software`. */
  readonly id?: string | undefined;
  /** Provider id put on each certificate (the token's `provider` hint), e.g. `bjca`. */
  readonly provider?: string | undefined;
  /** The key's id (CA锁ID); default `SOFT-0001`. */
  readonly keyId?: string | undefined;
  /** The PIN; default `123456`, or `1234` with `mustChange`. */
  readonly pin?: string | undefined;
  /** The PIN is a default one that must be changed before use (`PIN_MUST_CHANGE` at login). */
  readonly mustChange?: boolean | undefined;
  /** Wrong PINs before the PIN locks; default 6. */
  readonly maxTries?: number | undefined;
  /** PIN length rule; default 4 to 16. */
  readonly pinLength?: PinLength | undefined;
  /** How signatures are encoded; default `raw` (r‖s for ECDSA and SM2; RSA signatures are always raw unless `cms`). */
  readonly signatureFormat?: SoftwareSignatureFormat | undefined;
  /** Signing needs a login first; default true. */
  readonly requireLogin?: boolean | undefined;
  /** Asked before each signature (a confirmation dialog); false means the user cancelled. */
  readonly confirm?: ((request: SoftwareSignRequest) => boolean | Promise<boolean>) | undefined;
  /** Whether the key starts inserted; default true. */
  readonly present?: boolean | undefined;
}

/** The software token: a {@link TokenDriver} plus the controls a test or demo needs. */
export interface SoftwareToken extends TokenDriver {
  /** Always `page`: the page passes the PIN to `login`. */
  readonly pinEntry: 'page';
  /** The PIN status now. */
  getPinStatus(certId: string, options?: TokenCallOptions): Promise<PinStatus>;
  /** Changes the PIN (a wrong old PIN counts as a wrong try). */
  changePin(certId: string, oldPin: string, newPin: string, options?: TokenCallOptions): Promise<void>;
  /**
   * Decrypts a key-transport ciphertext with the encryption key (see
   * {@link SoftwareTokenCertificate.encryptionPrivateKey}): RSA-OAEP with SHA-256 (`rsa-oaep`, the
   * default for RSA) or SHA-1 (`rsa-oaep-sha1`) through WebCrypto, SM2 in JavaScript. `rsa-pkcs1` is
   * not in WebCrypto: `MECHANISM_UNSUPPORTED`. Needs a login, as signing does; a ciphertext that does
   * not decrypt is `CLIENT_REPORTED_ERROR`.
   */
  decrypt(request: TokenDecryptRequest, options?: TokenCallOptions): Promise<string>;
  /** Logs out. */
  logout(certId: string): Promise<void>;
  /** Subscribes to insert / remove. */
  onEvent(listener: (event: TokenEvent) => void): () => void;
  /** Whether the key is inserted. */
  readonly present: boolean;
  /** Simulates pulling the key out: operations in flight fail with `DEVICE_REMOVED`, later ones with `TOKEN_NOT_PRESENT`. */
  remove(): void;
  /** Simulates inserting the key again (logged out). */
  insert(): void;
}

interface Entry {
  readonly listing: TokenCertificate;
  readonly facts: CertificateFacts;
  readonly key: SigningKey;
  /** The decryption key (imported on first use for a key with one certificate), if any. */
  decryption: (() => Promise<DecryptionKey>) | undefined;
}

/** The bytes of non-empty base64 text, else undefined. */
function fromBase64(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(text.replace(/\s+/g, ''))) return undefined;
  try {
    return Uint8Array.from(atob(text.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/**
 * Creates a software token from PEM certificates and PKCS#8 private keys (e.g. from the test CA kit
 * in `@yizheng/core/testing`: `issueCertificatePair`, `certificateToPem`, `privateKeyToPem`).
 *
 * @throws {YizhengError} `MECHANISM_UNSUPPORTED` for a key other than RSA, ECDSA P-256 / P-384 or SM2.
 * @throws {RangeError} for unreadable input, a key that does not match its certificate, or bad options.
 */
export async function createSoftwareToken(options: SoftwareTokenOptions): Promise<SoftwareToken> {
  const maxTries = options.maxTries ?? 6;
  const pinLength = options.pinLength ?? { min: 4, max: 16 };
  if (!Number.isInteger(maxTries) || maxTries < 1 || maxTries > 255) throw new RangeError('software token: maxTries must be 1 to 255');
  if (options.certificates.length === 0) throw new RangeError('software token: give at least one certificate');
  let pin = options.pin ?? (options.mustChange ? '1234' : '123456');
  let mustChange = options.mustChange ?? false;
  const format = options.signatureFormat ?? 'raw';
  const keyId = options.keyId ?? 'SOFT-0001';

  const entries = new Map<string, Entry>();
  for (const [i, c] of options.certificates.entries()) {
    const facts = readCertificate(c.certificate);
    const key = await importSigningKey(facts, c.privateKey);
    const id = c.id ?? `cert-${i + 1}`;
    if (entries.has(id)) throw new RangeError(`software token: duplicate certificate id ${id}`);
    const encryptionFacts = c.encryptionCertificate === undefined ? undefined : readCertificate(c.encryptionCertificate);
    const encryption = encryptionFacts?.base64;
    let decryption: Entry['decryption'];
    if (encryptionFacts && c.encryptionPrivateKey !== undefined) {
      const imported = await importDecryptionKey(encryptionFacts, c.encryptionPrivateKey);
      decryption = async () => imported;
    } else if (!encryptionFacts && (key.kind === 'rsa' || key.kind === 'sm2')) {
      let imported: Promise<DecryptionKey> | undefined;
      decryption = () => (imported ??= importDecryptionKey(facts, c.privateKey));
    }
    const listing: TokenCertificate = {
      id,
      label: c.label ?? facts.subjectCn ?? id,
      certificate: facts.base64,
      keyId,
      ...(encryption !== undefined && { encryptionCertificate: encryption }),
      ...(options.provider !== undefined && { provider: options.provider }),
    };
    entries.set(id, { listing, facts, key, decryption });
  }

  let present = options.present ?? true;
  let generation = 0;
  let wrong = 0;
  let loggedIn = false;
  const listeners = new Set<(event: TokenEvent) => void>();
  const emit = (event: TokenEvent): void => {
    for (const listener of listeners) listener(event);
  };
  const status = (): PinStatus => exactPinStatus(maxTries - wrong, { mustChange });

  function entry(certId: string, o?: TokenCallOptions): Entry {
    if (o?.signal?.aborted) throw cancelled(o.signal);
    if (!present) throw clientError('TOKEN_NOT_PRESENT', { keyId });
    const found = entries.get(certId);
    if (!found) throw clientError('CERT_NOT_FOUND', { certId });
    return found;
  }

  /** Checks a PIN against the counter: wrong ones count and lock. */
  function verifyPin(candidate: string): void {
    if (wrong >= maxTries) throw formatPinError(status());
    if (candidate !== pin) {
      wrong++;
      throw formatPinError(status());
    }
    wrong = 0;
  }

  function stillThere(since: number): void {
    if (generation !== since) throw clientError('DEVICE_REMOVED', { keyId });
  }

  const token: SoftwareToken = {
    id: options.id ?? 'software',
    pinEntry: 'page',
    get present() {
      return present;
    },
    async listCertificates(o) {
      if (o?.signal?.aborted) throw cancelled(o.signal);
      return present ? [...entries.values()].map((e) => e.listing) : [];
    },
    async login(certId, candidate, o) {
      entry(certId, o);
      checkPinLength(candidate, pinLength);
      verifyPin(candidate);
      if (mustChange) throw clientError('PIN_MUST_CHANGE', { ...status() });
      loggedIn = true;
    },
    async sign(certId, text, o): Promise<TokenSignature> {
      const e = entry(certId, o);
      const since = generation;
      if (typeof text !== 'string' || text === '') throw clientError('CLIENT_PROTOCOL_ERROR', { reason: 'nothing to sign' });
      if (mustChange) throw clientError('PIN_MUST_CHANGE', { ...status() });
      if ((options.requireLogin ?? true) && !loggedIn) throw clientError('TOKEN_LOGIN_REQUIRED', { certId });
      if (options.confirm && !(await options.confirm({ certId, text }))) throw clientError('USER_CANCELLED', { certId });
      stillThere(since);
      if (o?.signal?.aborted) throw cancelled(o.signal);
      const signature = toBase64(await signAs(e.key, e.facts, new TextEncoder().encode(text), format));
      stillThere(since);
      return { signature, format: format === 'cms' ? 'cms' : format === 'der' && e.key.kind !== 'rsa' ? 'der' : 'raw' };
    },
    async decrypt(request, o) {
      const certId = request?.certificateId;
      const e = entry(certId, o);
      const since = generation;
      const bytes = fromBase64(request.ciphertext);
      if (bytes === undefined) throw clientError('CLIENT_PROTOCOL_ERROR', { reason: 'the ciphertext is not base64' });
      if (mustChange) throw clientError('PIN_MUST_CHANGE', { ...status() });
      if ((options.requireLogin ?? true) && !loggedIn) throw clientError('TOKEN_LOGIN_REQUIRED', { certId });
      if (!e.decryption) throw clientError('CERT_NOT_FOUND', { certId, reason: 'no encryption key for this certificate on the token' });
      const key = await e.decryption();
      stillThere(since);
      if (o?.signal?.aborted) throw cancelled(o.signal);
      const plaintext = toBase64(await key.decrypt(bytes, request.algorithm));
      stillThere(since);
      return plaintext;
    },
    async getPinStatus(certId, o) {
      entry(certId, o);
      return status();
    },
    async changePin(certId, oldPin, newPin, o) {
      entry(certId, o);
      checkPinLength(newPin, pinLength);
      verifyPin(oldPin);
      if (newPin === oldPin) throw clientError('PIN_REJECTED', { reason: 'the new PIN is the old one' });
      pin = newPin;
      mustChange = false;
    },
    async logout() {
      loggedIn = false;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async close() {
      loggedIn = false;
      listeners.clear();
    },
    remove() {
      if (!present) return;
      present = false;
      loggedIn = false;
      generation++;
      emit({ type: 'removed', keyId });
    },
    insert() {
      if (present) return;
      present = true;
      emit({ type: 'inserted', keyId });
    },
  };
  return token;
}
