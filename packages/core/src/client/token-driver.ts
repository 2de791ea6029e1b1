/**
 * The contract between a login page and whatever reaches the user's key: a vendor's local client
 * (BJCA XTX, CFCA CryptoKit, a GM/T 0020 SOF service), the PKCS#11 loopback bridge, or the software
 * token for development. The page only moves base64 and text; no ASN.1 happens here.
 */

/**
 * How a signature is encoded, as the server's `verifySignature` names it. `auto` when the driver
 * cannot tell (a GM/T 0020 `SOF_SignData` returns DER for SM2 / ECDSA keys but the bare signature for
 * RSA keys, and the page does no ASN.1): the server then decides by structure.
 */
export type TokenSignatureFormat = 'auto' | 'der' | 'raw' | 'skf' | 'cms';

/** Per-call options of the {@link TokenDriver} methods. */
export interface TokenCallOptions {
  /**
   * Aborts the call: it rejects with `USER_CANCELLED` (the page's cancel button, or leaving the page).
   * Every driver also bounds each call with its own timeout, so nothing waits forever.
   */
  readonly signal?: AbortSignal | undefined;
}

/** A certificate on a key, as a driver lists it. */
export interface TokenCertificate {
  /** The driver's id for the certificate (e.g. the SOF certId / container name); pass it back to `login` and `sign`. */
  readonly id: string;
  /** What to show the user: the key's label or the certificate's CN. */
  readonly label: string;
  /** The signing certificate, base64 DER. */
  readonly certificate: string;
  /**
   * The paired encryption (exchange) certificate (Chinese SM2 keys hold two: 双证书), base64 DER, when
   * the driver can read it: the certificate to encrypt a bid to. {@link TokenDriver.decrypt} with this
   * listing's `id` uses its private key. Absent for a key with one certificate (e.g. an RSA key on a
   * PKCS#11 token): `certificate` is then the one to encrypt to.
   */
  readonly encryptionCertificate?: string;
  /** The provider id the driver belongs to (e.g. `bjca`): the token's `provider` hint. */
  readonly provider?: string;
  /** The key's own id (CA锁ID / token serial), when known. */
  readonly keyId?: string;
}

/** What is known about a PIN's remaining tries. */
export interface PinStatus {
  /** Tries left when known exactly, else `null`. */
  readonly remaining: number | null;
  /** `exact` from a counter, `flags` inferred from PKCS#11 flags, `unknown` when nothing is reported. */
  readonly source: 'exact' | 'flags' | 'unknown';
  /** One more wrong PIN locks the key. */
  readonly finalTry: boolean;
  /** The PIN is locked. */
  readonly locked: boolean;
  /** A default or expired PIN that must be changed first. */
  readonly mustChange: boolean;
}

/** A signature as the page posts it. */
export interface TokenSignature {
  /** The signature, base64. */
  readonly signature: string;
  /** Its encoding, for the token's `signatureFormat`. */
  readonly format: TokenSignatureFormat;
}

/**
 * How a key-transport ciphertext was made: `sm2` (GM/T 0003.4 SM2 encryption; the ciphertext as the
 * key client takes it, usually the GM/T 0009 DER `SM2Cipher`), `rsa-oaep` (RSAES-OAEP with SHA-256 and
 * MGF1-SHA-256, empty label: WebCrypto's RSA-OAEP), `rsa-oaep-sha1` (RSAES-OAEP with SHA-1 and
 * MGF1-SHA-1: CMS's default OAEP parameters, and the only OAEP SoftHSM2 has) or `rsa-pkcs1` (RSAES-PKCS1-v1_5).
 */
export type TokenDecryptAlgorithm = 'sm2' | 'rsa-oaep' | 'rsa-oaep-sha1' | 'rsa-pkcs1';

/** What {@link TokenDriver.decrypt} is asked. */
export interface TokenDecryptRequest {
  /**
   * The certificate, as listed (`TokenCertificate.id`): the private key behind its
   * `encryptionCertificate` decrypts (or, for a key with one certificate, the certificate's own key).
   */
  readonly certificateId: string;
  /** The key-transport ciphertext (an envelope's encrypted content key: small), base64. */
  readonly ciphertext: string;
  /**
   * How it was encrypted; default by the key: `sm2` for SM2 keys, `rsa-oaep` for RSA keys. A vendor
   * client's call takes no algorithm: its drivers ignore this and the key decrypts as it does
   * (SM2 for SM2 keys; for RSA keys usually PKCS#1 v1.5).
   */
  readonly algorithm?: TokenDecryptAlgorithm | undefined;
}

/** Something that happened to the keys. */
export type TokenEvent =
  | { readonly type: 'inserted'; readonly keyId?: string }
  | { readonly type: 'removed'; readonly keyId?: string };

/**
 * A way from the page to the user's key. Every failure is a `YizhengError` with one of the client
 * codes: `CLIENT_NOT_RUNNING`, `CLIENT_PROTOCOL_ERROR`, `TOKEN_NOT_PRESENT`, `CERT_NOT_FOUND`,
 * `PIN_INCORRECT` (details: a {@link PinStatus}), `PIN_LOCKED`, `PIN_LEN_RANGE`, `PIN_MUST_CHANGE`,
 * `DEVICE_REMOVED`, `USER_CANCELLED`, `MECHANISM_UNSUPPORTED` (and `QR_CODE_EXPIRED` for QR-code
 * mobile certificates).
 */
export interface TokenDriver {
  /** Stable driver id, e.g. `bjca-xtx`, `pkcs11-bridge`, `software`. */
  readonly id: string;
  /**
   * Who asks for the PIN: `page` (default: the page shows a PIN field and passes the PIN to
   * `login`) or `client` (the vendor's client asks in its own window, e.g. CFCA's CSP dialog or a
   * mobile certificate's app; `login` then ignores its `pin` and the page shows no PIN field).
   */
  readonly pinEntry?: 'page' | 'client';
  /**
   * The certificates on the inserted keys (signing certificates, each with its encryption pair when
   * known); an empty list when no key is inserted.
   */
  listCertificates(options?: TokenCallOptions): Promise<TokenCertificate[]>;
  /** Logs in to the key holding `certId`. A wrong PIN rejects with `PIN_INCORRECT` carrying the PIN status. */
  login(certId: string, pin: string, options?: TokenCallOptions): Promise<void>;
  /** Signs the exact bytes of `text` (the server's challenge text) with the certificate's key. */
  sign(certId: string, text: string, options?: TokenCallOptions): Promise<TokenSignature>;
  /**
   * Decrypts a key-transport ciphertext (an envelope's content key, at 开标) with the private key
   * behind the certificate's encryption certificate; resolves with the plaintext, base64. Needs a
   * login first, as signing does (`TOKEN_LOGIN_REQUIRED`); `MECHANISM_UNSUPPORTED` for an algorithm
   * the key or driver cannot do; a ciphertext the key cannot decrypt is `CLIENT_REPORTED_ERROR` (a
   * vendor client) or `CLIENT_PROTOCOL_ERROR`. Absent from drivers that cannot decrypt.
   */
  decrypt?(request: TokenDecryptRequest, options?: TokenCallOptions): Promise<string>;
  /** The PIN's remaining tries, when the key can tell without a login attempt. */
  getPinStatus?(certId: string, options?: TokenCallOptions): Promise<PinStatus>;
  /** Changes the PIN (a new key's default PIN must be changed at once). */
  changePin?(certId: string, oldPin: string, newPin: string, options?: TokenCallOptions): Promise<void>;
  /** Logs out of the key. */
  logout?(certId: string): Promise<void>;
  /** Subscribes to key insertion and removal; returns the unsubscribe function. */
  onEvent?(listener: (event: TokenEvent) => void): () => void;
  /** Releases connections. */
  close?(): Promise<void>;
}
