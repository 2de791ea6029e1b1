/**
 * A PKCS#11 module as Yizheng uses it: list tokens and certificates, log in with a PIN (once: never
 * retried), sign (logging out afterwards), change the PIN, and turn every PKCS#11 failure into a
 * typed error. It survives a token being pulled out: the operation fails with DEVICE_REMOVED and the
 * next one works on whatever is inserted.
 */
import { createHash } from 'node:crypto';
import { isYizhengError, parseCertificate, YizhengError, type Certificate, type CertificatePurpose } from '@yizheng/core';
import { computeSm2Z, sm3 } from '@yizheng/core/crypto';
import { readPinStateFromFlags, type PinState } from '../pin-state';
import { ckrOf, inThread, type Pkcs11Api, type Pkcs11AsyncApi, type Pkcs11Attribute, type Pkcs11Handle, type Pkcs11TokenInfo } from './api';
import * as C from './constants';
import { curveFieldBytes, derToRaw, rawToDer, SHA256_DIGEST_INFO_PREFIX } from './encoding';
import { mapPkcs11Error, mayMeanRemoval, mechanismName, wrongPinError } from './errors';
import { startPkcs11Worker, type Pkcs11WorkerLibrary } from './worker';

/**
 * How to sign with SM2 on a vendor's module. PKCS#11 v2.40 has no SM2 mechanism, so each vendor
 * defines its own (a value at or above `CKM_VENDOR_DEFINED`, 0x80000000) and documents it with its
 * module; Yizheng ships no guessed values.
 */
export interface Sm2MechanismOptions {
  /** The vendor's SM2 signing mechanism id. */
  readonly mechanism: number;
  /**
   * What the mechanism takes: `message` when it is SM2-with-SM3 and hashes (Z included) itself;
   * `digest` when it signs a 32-byte e and Yizheng passes e = SM3(Z ‖ M) with the default user id
   * `1234567812345678` (or {@link Sm2MechanismOptions.userId}).
   */
  readonly input: 'message' | 'digest';
  /** The mechanism's parameter bytes, when the vendor's mechanism takes one (some take the user id). */
  readonly parameter?: Uint8Array;
  /** The SM2 user id for `digest`; default `1234567812345678`. */
  readonly userId?: string;
  /** How the module returns the signature: `raw` r‖s (default) or `der`. */
  readonly output?: 'raw' | 'der';
}

/** Options of {@link createPkcs11Module}. */
export interface Pkcs11ModuleOptions {
  /** The vendor SM2 mechanism; without it, signing with an SM2 key fails with MECHANISM_UNSUPPORTED. */
  readonly sm2?: Sm2MechanismOptions;
  /**
   * Accept a login while the token says its PIN must be changed (CKF_USER_PIN_TO_BE_CHANGED). Default
   * false: such a login is undone and fails with PIN_MUST_CHANGE, so the page asks for a new PIN
   * first (a new key's initial PIN, such as 1234, must be changed at once).
   */
  readonly allowDefaultPin?: boolean;
  /** How the module is named in CLIENT_NOT_RUNNING errors; default its path. */
  readonly name?: string;
}

/** Options of {@link openPkcs11Module}. */
export interface OpenPkcs11ModuleOptions extends Pkcs11ModuleOptions {
  /** Path of the vendor's PKCS#11 library (`.so`, `.dll`, `.dylib`). */
  readonly path: string;
  /** C_Initialize's library parameters (NSS-style modules need them; most take none). */
  readonly libraryParameters?: string;
}

/** A token, as {@link Pkcs11Module.listSlots} reports it. */
export interface Pkcs11TokenSummary {
  /** The token's label. */
  readonly label: string;
  /** Its serial number (the CA锁ID most platforms show), or `slot:<id>` when the token has none. */
  readonly serial: string;
  /** Manufacturer id. */
  readonly manufacturer: string;
  /** Model. */
  readonly model: string;
  /** CK_TOKEN_INFO.flags as reported. */
  readonly flags: number;
  /** The PIN state those flags give. */
  readonly pinState: PinState;
  /** PIN length limits. */
  readonly pinLength: { readonly min: number; readonly max: number };
  /** The PIN is typed on the reader's PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH). */
  readonly protectedAuthenticationPath: boolean;
  /** The token has been initialised (CKF_TOKEN_INITIALIZED); an empty slot of a soft token has not. */
  readonly initialized: boolean;
}

/** A slot, with its token when one is inserted. */
export interface Pkcs11SlotSummary {
  /** The slot id (decimal). */
  readonly slot: string;
  /** Slot description. */
  readonly description: string;
  /** Slot manufacturer id. */
  readonly manufacturer: string;
  /** The slot's device is removable. */
  readonly removable: boolean;
  /** The token, when present. */
  readonly token?: Pkcs11TokenSummary;
}

/** The key type behind a certificate, from its public key. */
export type Pkcs11KeyType = 'rsa' | 'ec' | 'sm2' | 'unknown';

/** A certificate on a token (CA certificates are left out). */
export interface Pkcs11Certificate {
  /** Stable id across slot renumbering: `<token serial>/<CKA_ID hex>`; pass it to login and sign. */
  readonly id: string;
  /** CKA_LABEL, or the subject CN. */
  readonly label: string;
  /** The certificate, DER. */
  readonly der: Uint8Array;
  /** The parsed certificate. */
  readonly certificate: Certificate;
  /** CKA_ID, hex: the private key with the same CKA_ID signs for it. */
  readonly keyId: string;
  /** The key type. */
  readonly keyType: Pkcs11KeyType;
  /** signing, encryption, both or unknown (from keyUsage). */
  readonly purpose: CertificatePurpose;
  /** The token holding it. */
  readonly token: { readonly label: string; readonly serial: string; readonly manufacturer: string; readonly model: string };
  /**
   * For a signing certificate: the encryption certificate of the same subject and issuer on the
   * same token (Chinese SM2 keys hold both; log in with the signing one).
   */
  readonly encryption?: { readonly id: string; readonly der: Uint8Array; readonly keyId: string };
}

/** Options of {@link Pkcs11Login.sign}. */
export interface Pkcs11SignOptions {
  /** ECDSA / SM2 signature encoding: `der` (default) or `raw` r‖s. RSA signatures are always their k bytes (`raw`). */
  readonly format?: 'der' | 'raw';
  /** Stay logged in after signing (default false: every signature needs the PIN again). */
  readonly keepLoggedIn?: boolean;
}

/** How a key-transport ciphertext was made (as the page driver contract names it). */
export type Pkcs11DecryptAlgorithm = 'rsa-oaep' | 'rsa-oaep-sha1' | 'rsa-pkcs1' | 'sm2';

/** Options of {@link Pkcs11Login.decrypt}. */
export interface Pkcs11DecryptOptions {
  /**
   * How the ciphertext was made; default `rsa-oaep` for RSA keys. `rsa-oaep` is CKM_RSA_PKCS_OAEP with
   * SHA-256 and MGF1-SHA-256 (SoftHSM2 2.6 refuses it: only SHA-1), `rsa-oaep-sha1` with SHA-1 and
   * MGF1-SHA-1, `rsa-pkcs1` CKM_RSA_PKCS. `sm2` needs a vendor mechanism: MECHANISM_UNSUPPORTED.
   */
  readonly algorithm?: Pkcs11DecryptAlgorithm;
  /** Stay logged in after decrypting (default false: every decryption needs the PIN again). */
  readonly keepLoggedIn?: boolean;
}

/** A plaintext a token decrypted. */
export interface Pkcs11Decryption {
  /** The plaintext. */
  readonly plaintext: Uint8Array;
  /** The mechanism used, e.g. `CKM_RSA_PKCS_OAEP`. */
  readonly mechanism: string;
  /** CKA_ID (hex) of the key that decrypted: the encryption certificate's when the certificate has a pair. */
  readonly keyId: string;
}

/** A signature made by a token. */
export interface Pkcs11Signature {
  /** The signature bytes. */
  readonly signature: Uint8Array;
  /** Their encoding, as core's `verifySignature` names it. */
  readonly format: 'der' | 'raw';
  /** The mechanism used, e.g. `CKM_ECDSA` (hash computed by Yizheng) or `CKM_SHA256_RSA_PKCS`. */
  readonly mechanism: string;
  /** The key type. */
  readonly keyType: Pkcs11KeyType;
}

interface TokenRef {
  readonly slot: Pkcs11Handle;
  readonly key: string;
  readonly info: Pkcs11TokenInfo;
}

const trim = (s: string): string => s.replace(/[\s\0]+$/u, '');

function slotIdOf(handle: Pkcs11Handle): string {
  return handle.length === 8 ? handle.readBigUInt64LE(0).toString() : handle.toString('hex');
}

function tokenKeyOf(slot: Pkcs11Handle, info: Pkcs11TokenInfo): string {
  const serial = trim(info.serialNumber);
  return serial === '' ? `slot:${slotIdOf(slot)}` : serial;
}

/**
 * Reads a certificate id, `<token serial, URI-encoded>/<CKA_ID hex>`, exactly as
 * {@link Pkcs11Module.listCertificates} writes it: the serial encoded with `encodeURIComponent` (so
 * `FAKE0001`, never `%46AKE0001` nor `F%41KE0001`), the CKA_ID in lower-case hex. Any other spelling
 * is refused, so that one token has one id prefix: limits keyed on it cannot be dodged by re-encoding.
 *
 * @throws {YizhengError} CERT_NOT_FOUND for a malformed or non-canonical id.
 * @internal
 */
export function parseCertId(certId: unknown): { tokenKey: string; keyId: string } {
  if (typeof certId !== 'string' || certId.length > 512) throw new YizhengError('CERT_NOT_FOUND', { reason: 'not a certificate id' });
  const at = certId.lastIndexOf('/');
  const keyId = certId.slice(at + 1);
  if (at <= 0 || !/^(?:[0-9a-f]{2}){1,64}$/.test(keyId)) throw new YizhengError('CERT_NOT_FOUND', { reason: 'not a certificate id' });
  const encoded = certId.slice(0, at);
  let tokenKey: string;
  try {
    tokenKey = decodeURIComponent(encoded);
  } catch {
    throw new YizhengError('CERT_NOT_FOUND', { reason: 'not a certificate id' });
  }
  if (encodeURIComponent(tokenKey) !== encoded) throw new YizhengError('CERT_NOT_FOUND', { reason: 'certificate id not written as the certificate list writes it' });
  return { tokenKey, keyId };
}

const TRIVIAL_PINS = new Set(['1234', '0000', '1111', '8888', '123456', '654321', '12345678', '87654321', '123123', '520520']);

/** True for a PIN nobody should keep: a well-known default, one repeated character, or a run like 1234 / 9876. */
export function isTrivialPin(pin: string): boolean {
  if (TRIVIAL_PINS.has(pin) || /^(.)\1*$/u.test(pin)) return true;
  if (!/^\d{4,}$/.test(pin)) return false;
  const steps = new Set<number>();
  for (let i = 1; i < pin.length; i++) steps.add(((pin.charCodeAt(i) - pin.charCodeAt(i - 1)) + 10) % 10);
  return steps.size === 1 && (steps.has(1) || steps.has(9));
}

function pinByteLength(pin: string): number {
  return Buffer.byteLength(pin, 'utf8');
}

/**
 * An open PKCS#11 module. Its PKCS#11 calls run in a worker thread when it was opened with
 * {@link openPkcs11Module} (a PIN pad's wait, or a slow token, blocks no event loop), or in this
 * thread for a library given to {@link createPkcs11Module}. Its operations run one at a time, in the
 * order they were asked, so two never interleave on a token.
 *
 * PKCS#11 login state belongs to the token, not to a session: at most one {@link Pkcs11Login} per token
 * is active, and a new login on the token ends the previous one.
 */
export class Pkcs11Module {
  readonly #api: Pkcs11AsyncApi;
  readonly #options: Pkcs11ModuleOptions;
  readonly #release: () => Promise<void>;
  readonly #logins = new Map<string, Pkcs11Login>();
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | undefined;

  /** @internal Use {@link openPkcs11Module} or {@link createPkcs11Module}. */
  constructor(api: Pkcs11AsyncApi, options: Pkcs11ModuleOptions, release: () => Promise<void>) {
    this.#api = api;
    this.#options = options;
    this.#release = release;
  }

  /** The library's manufacturer, description and versions. */
  info(): Promise<{ manufacturer: string; description: string; libraryVersion: string; cryptokiVersion: string }> {
    return this.#exclusive(async () => {
      const i = await this.#api.C_GetInfo();
      return {
        manufacturer: trim(i.manufacturerID),
        description: trim(i.libraryDescription),
        libraryVersion: `${i.libraryVersion.major}.${i.libraryVersion.minor}`,
        cryptokiVersion: `${i.cryptokiVersion.major}.${i.cryptokiVersion.minor}`,
      };
    });
  }

  /** Every slot, with its token's label, serial, manufacturer, flags and PIN state. */
  listSlots(): Promise<Pkcs11SlotSummary[]> {
    return this.#exclusive(async () => {
      const slots = await this.#call('C_GetSlotList', () => this.#api.C_GetSlotList(false));
      const out: Pkcs11SlotSummary[] = [];
      for (const slot of slots) {
        let slotInfo;
        try {
          slotInfo = await this.#api.C_GetSlotInfo(slot);
        } catch {
          continue; // gone between the list and the query
        }
        const base = {
          slot: slotIdOf(slot),
          description: trim(slotInfo.slotDescription),
          manufacturer: trim(slotInfo.manufacturerID),
          removable: (slotInfo.flags & C.CKF_REMOVABLE_DEVICE) !== 0,
        };
        const info = (slotInfo.flags & C.CKF_TOKEN_PRESENT) !== 0 ? await this.#tokenInfo(slot) : null;
        out.push(info ? { ...base, token: this.#summary(slot, info) } : base);
      }
      return out;
    });
  }

  /** The serials of the tokens inserted now (for insertion / removal events). */
  presentTokens(): Promise<string[]> {
    return this.#exclusive(async () => (await this.#presentTokens()).map((t) => t.key));
  }

  /**
   * The certificates on every inserted token (CA certificates left out), each signing certificate
   * with its paired encryption certificate. A token that fails to answer is skipped.
   */
  listCertificates(): Promise<Pkcs11Certificate[]> {
    return this.#exclusive(async () => {
      const out: Pkcs11Certificate[] = [];
      for (const token of await this.#presentTokens()) {
        try {
          out.push(...(await this.#certificatesOn(token)));
        } catch (err) {
          if (isYizhengError(err, 'DEVICE_REMOVED') || isYizhengError(err, 'TOKEN_NOT_PRESENT')) continue;
          throw err;
        }
      }
      return out;
    });
  }

  /** The PIN state of the token holding `certId`, from its flags (no login attempt). */
  getPinStatus(certId: string): Promise<PinState> {
    return this.#exclusive(async () => readPinStateFromFlags((await this.#resolve(certId)).info.flags));
  }

  /**
   * The token holding `certId` as it reports itself now: label, serial, flags, PIN state, PIN length
   * limits and whether it has a PIN pad (no login attempt).
   *
   * @throws {YizhengError} CERT_NOT_FOUND for a malformed id, TOKEN_NOT_PRESENT when the token is not inserted.
   */
  tokenOf(certId: string): Promise<Pkcs11TokenSummary> {
    return this.#exclusive(async () => {
      const token = await this.#resolve(certId);
      return this.#summary(token.slot, token.info);
    });
  }

  /**
   * Logs in to the token holding `certId`, once: a wrong PIN fails with PIN_INCORRECT (its details
   * carry the PIN state read from the token afterwards) and is never retried. `pin: null` uses the
   * reader's PIN pad. Ends any other login on the same token.
   *
   * @throws {YizhengError} PIN_INCORRECT, PIN_LOCKED, PIN_LEN_RANGE, PIN_MUST_CHANGE,
   *   TOKEN_NOT_PRESENT, CERT_NOT_FOUND, DEVICE_REMOVED, USER_CANCELLED, CLIENT_PROTOCOL_ERROR.
   */
  login(certId: string, pin: string | null): Promise<Pkcs11Login> {
    return this.#exclusive(async () => {
      const { keyId } = parseCertId(certId);
      const token = await this.#resolve(certId);
      const pinLength = { min: token.info.minPinLen, max: token.info.maxPinLen };
      if (pin === null) {
        if ((token.info.flags & C.CKF_PROTECTED_AUTHENTICATION_PATH) === 0) throw new YizhengError('PIN_LEN_RANGE', pinLength);
      } else {
        if (typeof pin !== 'string') throw new YizhengError('PIN_LEN_RANGE', pinLength);
        this.#checkPinLength(pin, token.info);
      }
      await this.#endLogin(token.key);
      const session = await this.#call('C_OpenSession', () => this.#api.C_OpenSession(token.slot, C.CKF_SERIAL_SESSION), token);
      try {
        if (pin === null) await this.#api.C_Login(session, C.CKU_USER);
        else await this.#api.C_Login(session, C.CKU_USER, pin);
      } catch (err) {
        await this.#safe(() => this.#api.C_CloseSession(session));
        throw await this.#loginFailure(err, token, 'C_Login');
      }
      const after = await this.#tokenInfo(token.slot);
      if (after && readPinStateFromFlags(after.flags).mustChange && !this.#options.allowDefaultPin) {
        await this.#safe(() => this.#api.C_Logout(session));
        await this.#safe(() => this.#api.C_CloseSession(session));
        throw new YizhengError('PIN_MUST_CHANGE', {});
      }
      const login = new Pkcs11Login(this, certId, token.key, keyId, session, token.slot);
      this.#logins.set(token.key, login);
      return login;
    });
  }

  /**
   * Logs in, signs `data` and logs out, whatever happens. The convenience for server-side signing
   * with a PIN the caller holds.
   */
  async signWithPin(certId: string, pin: string | null, data: Uint8Array | string, options: Omit<Pkcs11SignOptions, 'keepLoggedIn'> = {}): Promise<Pkcs11Signature> {
    const login = await this.login(certId, pin);
    try {
      return await login.sign(data, options);
    } finally {
      await login.logout();
    }
  }

  /**
   * Changes the user PIN (C_SetPIN in a public R/W session): the old PIN is checked by the token,
   * once. The new PIN must fit the token's length limits and must not be trivial (1234, 111111,
   * 123456…), nor equal the old one.
   *
   * @throws {YizhengError} PIN_INCORRECT (old PIN), PIN_LOCKED, PIN_LEN_RANGE, PIN_REJECTED, and the
   *   device errors of {@link Pkcs11Module.login}.
   */
  changePin(certId: string, oldPin: string, newPin: string): Promise<void> {
    return this.#exclusive(async () => {
      const token = await this.#resolve(certId);
      if (typeof oldPin !== 'string' || typeof newPin !== 'string') throw new YizhengError('PIN_LEN_RANGE', { min: token.info.minPinLen, max: token.info.maxPinLen });
      this.#checkPinLength(newPin, token.info);
      if (newPin === oldPin) throw new YizhengError('PIN_REJECTED', { reason: 'the new PIN equals the old one' });
      if (isTrivialPin(newPin)) throw new YizhengError('PIN_REJECTED', { reason: 'too simple (an initial PIN, one repeated digit or a run such as 1234)' });
      await this.#endLogin(token.key);
      const session = await this.#call('C_OpenSession', () => this.#api.C_OpenSession(token.slot, C.CKF_SERIAL_SESSION | C.CKF_RW_SESSION), token);
      try {
        await this.#api.C_SetPIN(session, oldPin, newPin);
      } catch (err) {
        if (ckrOf(err) === C.CKR_PIN_INVALID) throw new YizhengError('PIN_REJECTED', { reason: 'characters the key does not accept' }, { cause: err });
        throw await this.#loginFailure(err, token, 'C_SetPIN');
      } finally {
        await this.#safe(() => this.#api.C_CloseSession(session));
      }
    });
  }

  /**
   * Ends every login (at once: their `active` turns false now), refuses new operations
   * (CLIENT_NOT_RUNNING), and finalises the module once the operations already asked for are done;
   * resolves when it is unloaded.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closed = true;
    const ending = [...this.#logins.values()].flatMap((login) => {
      const session = login._end();
      return session === null ? [] : [session];
    });
    this.#logins.clear();
    const closing = this.#enqueue(async () => {
      for (const session of ending) await this.#logoutSession(session);
      // Logins made by operations asked before close().
      for (const login of [...this.#logins.values()]) await this.#endThisLogin(login);
      await this.#release();
    });
    this.#closing = closing;
    return closing;
  }

  // --- used by Pkcs11Login -----------------------------------------------------------------------

  /** @internal */
  _sign(login: Pkcs11Login, session: Pkcs11Handle, slot: Pkcs11Handle, keyId: string, data: Uint8Array, options: Pkcs11SignOptions): Promise<Pkcs11Signature> {
    return this.#exclusive(async () => {
      try {
        if (!login.active) throw new YizhengError('TOKEN_LOGIN_REQUIRED', {}); // ended while waiting its turn
        return await this.#signNow(login, session, slot, keyId, data, options);
      } finally {
        if (!options.keepLoggedIn) await this.#endThisLogin(login);
      }
    });
  }

  /** @internal */
  _decrypt(login: Pkcs11Login, session: Pkcs11Handle, keyId: string, ciphertext: Uint8Array, options: Pkcs11DecryptOptions): Promise<Pkcs11Decryption> {
    return this.#exclusive(async () => {
      try {
        if (!login.active) throw new YizhengError('TOKEN_LOGIN_REQUIRED', {}); // ended while waiting its turn
        return await this.#decryptNow(login, session, keyId, ciphertext, options);
      } finally {
        if (!options.keepLoggedIn) await this.#endThisLogin(login);
      }
    });
  }

  /** @internal The login is already marked ended; logs its session out in turn (even while closing). */
  _logout(login: Pkcs11Login, session: Pkcs11Handle): Promise<void> {
    if (this.#logins.get(login.tokenKey) === login) this.#logins.delete(login.tokenKey);
    return this.#enqueue(() => this.#logoutSession(session)).catch(() => undefined);
  }

  // --- internals ---------------------------------------------------------------------------------

  /** Runs `operation` after every operation asked before it, alone; CLIENT_NOT_RUNNING once closed. */
  #exclusive<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new YizhengError('CLIENT_NOT_RUNNING', { client: this.#options.name ?? 'PKCS#11 module' }));
    return this.#enqueue(operation);
  }

  #enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(operation);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #safe(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch {
      // Cleanup after a failure (or a pulled-out token): nothing to add to the first error.
    }
  }

  async #logoutSession(session: Pkcs11Handle): Promise<void> {
    await this.#safe(() => this.#api.C_Logout(session));
    await this.#safe(() => this.#api.C_CloseSession(session));
  }

  async #endThisLogin(login: Pkcs11Login): Promise<void> {
    if (this.#logins.get(login.tokenKey) === login) this.#logins.delete(login.tokenKey);
    const session = login._end();
    if (session !== null) await this.#logoutSession(session);
  }

  async #endLogin(tokenKey: string): Promise<void> {
    const login = this.#logins.get(tokenKey);
    if (login !== undefined) await this.#endThisLogin(login);
  }

  async #signNow(login: Pkcs11Login, session: Pkcs11Handle, slot: Pkcs11Handle, keyId: string, data: Uint8Array, options: Pkcs11SignOptions): Promise<Pkcs11Signature> {
    let mechanism: number | undefined;
    try {
      const id = Buffer.from(keyId, 'hex');
      const certHandle = (await this.#find(session, [{ type: C.CKA_CLASS, value: C.CKO_CERTIFICATE }, { type: C.CKA_ID, value: id }]))[0];
      const keyHandle = (await this.#find(session, [{ type: C.CKA_CLASS, value: C.CKO_PRIVATE_KEY }, { type: C.CKA_ID, value: id }]))[0];
      if (certHandle === undefined || keyHandle === undefined) {
        throw new YizhengError('CERT_NOT_FOUND', { reason: certHandle === undefined ? 'no certificate with this CKA_ID' : 'no private key with this CKA_ID' });
      }
      const der = await this.#attribute(session, certHandle, C.CKA_VALUE);
      if (der === undefined) throw new YizhengError('CERT_NOT_FOUND', { reason: 'the certificate has no value' });
      const certificate = parseCertificate(der);
      const plan = await this.#plan(slot, certificate, data);
      mechanism = plan.mechanism;
      await this.#api.C_SignInit(session, { mechanism: plan.mechanism, ...(plan.parameter && { parameter: plan.parameter }) }, keyHandle);
      const out = await this.#api.C_Sign(session, plan.input, Buffer.alloc(1024));
      const signature = Buffer.from(out);
      const format = options.format ?? 'der';
      if (plan.keyType === 'rsa') return { signature, format: 'raw', mechanism: mechanismName(plan.mechanism), keyType: plan.keyType };
      const raw = plan.output === 'der' ? derToRaw(signature, plan.fieldBytes) : signature;
      return { signature: format === 'raw' ? raw : rawToDer(raw), format, mechanism: mechanismName(plan.mechanism), keyType: plan.keyType };
    } catch (err) {
      const token = await this.#tokenByKey(login.tokenKey);
      if (token === undefined) await this.#endLogin(login.tokenKey);
      throw mapPkcs11Error(err, { fn: 'C_Sign', tokenGone: token === undefined, ...(mechanism !== undefined && { mechanism }) });
    }
  }

  async #decryptNow(login: Pkcs11Login, session: Pkcs11Handle, keyId: string, ciphertext: Uint8Array, options: Pkcs11DecryptOptions): Promise<Pkcs11Decryption> {
    let mechanism: number | undefined;
    let stage = 'C_DecryptInit';
    try {
      const token = await this.#tokenByKey(login.tokenKey);
      if (token === undefined) throw Object.assign(new Error('CKR_DEVICE_REMOVED'), { code: C.CKR_DEVICE_REMOVED });
      const certificates = await this.#certificatesOn(token);
      const cert = certificates.find((c) => c.keyId === keyId);
      if (cert === undefined) throw new YizhengError('CERT_NOT_FOUND', { reason: 'no certificate with this CKA_ID' });
      // The encryption pair's key decrypts; a certificate without a pair, its own.
      const target = (cert.encryption && certificates.find((c) => c.keyId === cert.encryption?.keyId)) || cert;
      const algorithm = options.algorithm ?? (target.keyType === 'sm2' ? 'sm2' : 'rsa-oaep');
      if (target.keyType !== 'rsa' || algorithm === 'sm2') {
        throw new YizhengError('MECHANISM_UNSUPPORTED', { mechanism: `${algorithm} decryption with a ${target.keyType} key (PKCS#11 has no standard SM2 mechanism; EC keys agree keys, they do not decrypt)` });
      }
      const oaep = algorithm === 'rsa-pkcs1' ? undefined : algorithm === 'rsa-oaep-sha1' ? [C.CKM_SHA_1, C.CKG_MGF1_SHA1] : [C.CKM_SHA256, C.CKG_MGF1_SHA256];
      mechanism = oaep ? C.CKM_RSA_PKCS_OAEP : C.CKM_RSA_PKCS;
      const keyHandle = (await this.#find(session, [{ type: C.CKA_CLASS, value: C.CKO_PRIVATE_KEY }, { type: C.CKA_ID, value: Buffer.from(target.keyId, 'hex') }]))[0];
      if (keyHandle === undefined) throw new YizhengError('CERT_NOT_FOUND', { reason: 'no private key with this CKA_ID' });
      const parameter = oaep && { type: C.CK_PARAMS_RSA_OAEP, hashAlg: oaep[0] as number, mgf: oaep[1] as number, source: C.CKZ_DATA_SPECIFIED };
      try {
        await this.#api.C_DecryptInit(session, { mechanism, ...(parameter && { parameter }) }, keyHandle);
        stage = 'C_Decrypt';
        const plaintext = await this.#api.C_Decrypt(session, Buffer.from(ciphertext), Buffer.alloc(1024));
        return { plaintext: new Uint8Array(plaintext), mechanism: mechanismName(mechanism), keyId: target.keyId };
      } catch (err) {
        const ckr = ckrOf(err);
        // SoftHSM2 2.6 answers OAEP with SHA-256 with CKR_ARGUMENTS_BAD (it only has SHA-1).
        if (oaep && (ckr === C.CKR_ARGUMENTS_BAD || ckr === C.CKR_MECHANISM_PARAM_INVALID)) {
          throw new YizhengError('MECHANISM_UNSUPPORTED', { mechanism: `CKM_RSA_PKCS_OAEP with ${algorithm === 'rsa-oaep' ? 'SHA-256' : 'SHA-1'}` }, { cause: err });
        }
        if (stage === 'C_Decrypt' && (ckr === C.CKR_ENCRYPTED_DATA_INVALID || ckr === C.CKR_ENCRYPTED_DATA_LEN_RANGE || ckr === C.CKR_GENERAL_ERROR || ckr === C.CKR_FUNCTION_FAILED) && (await this.#tokenByKey(login.tokenKey))) {
          throw new YizhengError('CLIENT_REPORTED_ERROR', { fn: 'C_Decrypt', ...(ckr !== undefined && { vendorCode: ckr }), vendorText: err instanceof Error ? err.message.slice(0, 200) : 'C_Decrypt failed' }, { cause: err });
        }
        throw err;
      }
    } catch (err) {
      if (isYizhengError(err)) throw err;
      const token = await this.#tokenByKey(login.tokenKey);
      if (token === undefined) await this.#endLogin(login.tokenKey);
      throw mapPkcs11Error(err, { fn: stage, tokenGone: token === undefined, ...(mechanism !== undefined && { mechanism }) });
    }
  }

  #checkPinLength(pin: string, info: Pkcs11TokenInfo): void {
    const length = pinByteLength(pin);
    const { minPinLen: min, maxPinLen: max } = info;
    const limitsMakeSense = min > 0 && max >= min && max < 0x1_0000;
    if (length === 0 || (limitsMakeSense && (length < min || length > max)) || length > 256) {
      throw new YizhengError('PIN_LEN_RANGE', { min, max });
    }
  }

  /** Runs a PKCS#11 call, mapping its failure (checking for removal when the code suggests it). */
  async #call<T>(fn: string, call: () => Promise<T>, token?: TokenRef): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const gone = token !== undefined && mayMeanRemoval(err) && (await this.#tokenByKey(token.key)) === undefined;
      if (gone && token) await this.#endLogin(token.key);
      throw mapPkcs11Error(err, { fn, tokenGone: gone });
    }
  }

  async #loginFailure(err: unknown, token: TokenRef, fn: string): Promise<unknown> {
    const ckr = ckrOf(err);
    const pinLength = { min: token.info.minPinLen, max: token.info.maxPinLen };
    const after = await this.#tokenByKey(token.key);
    if (after === undefined) return mapPkcs11Error(err, { fn, tokenGone: true });
    const state = readPinStateFromFlags(after.info.flags);
    if (ckr === C.CKR_USER_ALREADY_LOGGED_IN) {
      // Someone else's leftover login in this process: undo it, but do not retry the PIN.
      const s = await this.#safeOpen(after.slot);
      if (s) await this.#logoutSession(s);
      return new YizhengError('TOKEN_LOGIN_REQUIRED', {}, { cause: err });
    }
    if (ckr === C.CKR_GENERAL_ERROR || ckr === C.CKR_FUNCTION_FAILED || ckr === C.CKR_DEVICE_ERROR) {
      // Some modules answer a wrong PIN this way: believe it only when the PIN flags got worse.
      const before = readPinStateFromFlags(token.info.flags);
      const worse = (state.locked && !before.locked) || (state.finalTry && !before.finalTry) || (state.countLow && !before.countLow);
      if (worse) return wrongPinError(state, err);
    }
    return mapPkcs11Error(err, { fn, pinState: state, pinLength });
  }

  async #safeOpen(slot: Pkcs11Handle): Promise<Pkcs11Handle | undefined> {
    try {
      return await this.#api.C_OpenSession(slot, C.CKF_SERIAL_SESSION);
    } catch {
      return undefined;
    }
  }

  async #tokenInfo(slot: Pkcs11Handle): Promise<Pkcs11TokenInfo | null> {
    try {
      return await this.#api.C_GetTokenInfo(slot);
    } catch {
      return null;
    }
  }

  async #presentTokens(): Promise<TokenRef[]> {
    const slots = await this.#call('C_GetSlotList', () => this.#api.C_GetSlotList(true));
    const out: TokenRef[] = [];
    for (const slot of slots) {
      const info = await this.#tokenInfo(slot);
      if (info) out.push({ slot, info, key: tokenKeyOf(slot, info) });
    }
    return out;
  }

  async #tokenByKey(key: string): Promise<TokenRef | undefined> {
    try {
      return (await this.#presentTokens()).find((t) => t.key === key);
    } catch {
      return undefined;
    }
  }

  async #resolve(certId: string): Promise<TokenRef> {
    const { tokenKey } = parseCertId(certId);
    const token = await this.#tokenByKey(tokenKey);
    if (token === undefined) throw new YizhengError('TOKEN_NOT_PRESENT', {});
    return token;
  }

  #summary(slot: Pkcs11Handle, info: Pkcs11TokenInfo): Pkcs11TokenSummary {
    return {
      label: trim(info.label),
      serial: tokenKeyOf(slot, info),
      manufacturer: trim(info.manufacturerID),
      model: trim(info.model),
      flags: info.flags,
      pinState: readPinStateFromFlags(info.flags),
      pinLength: { min: info.minPinLen, max: info.maxPinLen },
      protectedAuthenticationPath: (info.flags & C.CKF_PROTECTED_AUTHENTICATION_PATH) !== 0,
      initialized: (info.flags & C.CKF_TOKEN_INITIALIZED) !== 0,
    };
  }

  async #find(session: Pkcs11Handle, template: Pkcs11Attribute[], limit = 256): Promise<Pkcs11Handle[]> {
    await this.#api.C_FindObjectsInit(session, template);
    try {
      const out: Pkcs11Handle[] = [];
      while (out.length < limit) {
        const batch = await this.#api.C_FindObjects(session, 32);
        if (batch.length === 0) break;
        out.push(...batch);
      }
      return out.slice(0, limit);
    } finally {
      await this.#safe(() => this.#api.C_FindObjectsFinal(session));
    }
  }

  async #attribute(session: Pkcs11Handle, object: Pkcs11Handle, type: number): Promise<Buffer | undefined> {
    try {
      const value = (await this.#api.C_GetAttributeValue(session, object, [{ type }]))[0]?.value;
      return Buffer.isBuffer(value) ? value : undefined;
    } catch (err) {
      if (mayMeanRemoval(err)) throw err;
      return undefined; // an attribute the object does not have
    }
  }

  async #certificatesOn(token: TokenRef): Promise<Pkcs11Certificate[]> {
    const session = await this.#call('C_OpenSession', () => this.#api.C_OpenSession(token.slot, C.CKF_SERIAL_SESSION), token);
    const found: { keyId: string; label: string; der: Uint8Array; certificate: Certificate }[] = [];
    try {
      const handles = await this.#call(
        'C_FindObjects',
        () => this.#find(session, [{ type: C.CKA_CLASS, value: C.CKO_CERTIFICATE }, { type: C.CKA_CERTIFICATE_TYPE, value: C.CKC_X_509 }]),
        token,
      );
      for (const handle of handles) {
        const der = await this.#attribute(session, handle, C.CKA_VALUE);
        const id = await this.#attribute(session, handle, C.CKA_ID);
        if (der === undefined || id === undefined || id.length === 0 || id.length > 64) continue;
        let certificate: Certificate;
        try {
          certificate = parseCertificate(new Uint8Array(der));
        } catch {
          continue; // not a certificate Yizheng can read: not offered
        }
        if (certificate.basicConstraints?.ca) continue;
        const label = (await this.#attribute(session, handle, C.CKA_LABEL))?.toString('utf8').trim() || certificate.subject.commonName || id.toString('hex');
        found.push({ keyId: id.toString('hex'), label, der: new Uint8Array(der), certificate });
      }
    } finally {
      await this.#safe(() => this.#api.C_CloseSession(session));
    }
    const tokenInfo = {
      label: trim(token.info.label),
      serial: token.key,
      manufacturer: trim(token.info.manufacturerID),
      model: trim(token.info.model),
    };
    const idOf = (keyId: string): string => `${encodeURIComponent(token.key)}/${keyId}`;
    const keyTypeOf = (c: Certificate): Pkcs11KeyType => {
      const a = c.publicKey.algorithm;
      return a === 'rsa' || a === 'ec' || a === 'sm2' ? a : 'unknown';
    };
    const sameHolder = (a: Certificate, b: Certificate): boolean => a.subject.equals(b.subject) && a.issuer.equals(b.issuer);
    return found.map((f) => {
      const purpose = f.certificate.purpose;
      const pair = purpose === 'signing' ? found.find((o) => o !== f && o.certificate.purpose === 'encryption' && sameHolder(o.certificate, f.certificate)) : undefined;
      return {
        id: idOf(f.keyId),
        label: f.label,
        der: f.der,
        certificate: f.certificate,
        keyId: f.keyId,
        keyType: keyTypeOf(f.certificate),
        purpose,
        token: tokenInfo,
        ...(pair && { encryption: { id: idOf(pair.keyId), der: pair.der, keyId: pair.keyId } }),
      };
    });
  }

  async #plan(slot: Pkcs11Handle, certificate: Certificate, data: Uint8Array): Promise<{
    mechanism: number;
    parameter?: Buffer;
    input: Buffer;
    keyType: Pkcs11KeyType;
    fieldBytes: number;
    output: 'raw' | 'der';
  }> {
    const key = certificate.publicKey;
    let mechanisms: number[] | null = null;
    const has = async (m: number): Promise<boolean> => {
      if (mechanisms === null) {
        try {
          mechanisms = await this.#api.C_GetMechanismList(slot);
        } catch (err) {
          if (mayMeanRemoval(err)) throw err;
          mechanisms = [];
        }
      }
      return mechanisms.includes(m);
    };
    const message = Buffer.from(data);
    switch (key.algorithm) {
      case 'rsa': {
        if (await has(C.CKM_SHA256_RSA_PKCS)) return { mechanism: C.CKM_SHA256_RSA_PKCS, input: message, keyType: 'rsa', fieldBytes: 0, output: 'raw' };
        const digestInfo = Buffer.concat([SHA256_DIGEST_INFO_PREFIX, createHash('sha256').update(message).digest()]);
        return { mechanism: C.CKM_RSA_PKCS, input: digestInfo, keyType: 'rsa', fieldBytes: 0, output: 'raw' };
      }
      case 'ec': {
        const fieldBytes = curveFieldBytes(key.curve);
        const hash = key.curve === 'P-384' ? 'sha384' : key.curve === 'P-521' ? 'sha512' : 'sha256';
        if (key.curve === 'P-256' && (await has(C.CKM_ECDSA_SHA256))) {
          return { mechanism: C.CKM_ECDSA_SHA256, input: message, keyType: 'ec', fieldBytes, output: 'raw' };
        }
        return { mechanism: C.CKM_ECDSA, input: createHash(hash).update(message).digest(), keyType: 'ec', fieldBytes, output: 'raw' };
      }
      case 'sm2': {
        const sm2 = this.#options.sm2;
        if (sm2 === undefined) throw new YizhengError('MECHANISM_UNSUPPORTED', { mechanism: 'SM2 (no vendor SM2 mechanism configured)' });
        const input = sm2.input === 'message' ? message : Buffer.from(sm3(concat(computeSm2Z(key.point, sm2.userId), message)));
        return {
          mechanism: sm2.mechanism,
          ...(sm2.parameter && { parameter: Buffer.from(sm2.parameter) }),
          input,
          keyType: 'sm2',
          fieldBytes: 32,
          output: sm2.output ?? 'raw',
        };
      }
      default:
        throw new YizhengError('MECHANISM_UNSUPPORTED', { mechanism: `public key ${key.oid}` });
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * A login on one token, for one certificate. By default it ends after one signature (the next one
 * needs the PIN again); {@link Pkcs11Login.logout} ends it earlier.
 */
export class Pkcs11Login {
  readonly #module: Pkcs11Module;
  readonly #session: Pkcs11Handle;
  readonly #slot: Pkcs11Handle;
  #active = true;
  /** The certificate this login is for. */
  readonly certId: string;
  /** @internal */
  readonly tokenKey: string;
  /** CKA_ID of the key, hex. */
  readonly keyId: string;

  /** @internal */
  constructor(module: Pkcs11Module, certId: string, tokenKey: string, keyId: string, session: Pkcs11Handle, slot: Pkcs11Handle) {
    this.#module = module;
    this.certId = certId;
    this.tokenKey = tokenKey;
    this.keyId = keyId;
    this.#session = session;
    this.#slot = slot;
  }

  /** False once logged out (after a signature, a logout, another login on the token, removal, or closing the module). */
  get active(): boolean {
    return this.#active;
  }

  /**
   * Signs `data` (a string is taken as its UTF-8 bytes) with the certificate's private key: RSA
   * PKCS#1 v1.5 with SHA-256, ECDSA (SHA-256 for P-256, computed here when the token only has
   * CKM_ECDSA), or SM2 through the configured vendor mechanism. Logs out afterwards unless
   * `keepLoggedIn`.
   *
   * @throws {YizhengError} TOKEN_LOGIN_REQUIRED when the login has ended; MECHANISM_UNSUPPORTED;
   *   CERT_NOT_FOUND; DEVICE_REMOVED; USER_CANCELLED; CLIENT_PROTOCOL_ERROR.
   */
  async sign(data: Uint8Array | string, options: Pkcs11SignOptions = {}): Promise<Pkcs11Signature> {
    if (!this.#active) throw new YizhengError('TOKEN_LOGIN_REQUIRED', {});
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    return this.#module._sign(this, this.#session, this.#slot, this.keyId, bytes, options);
  }

  /**
   * Decrypts a key-transport ciphertext (an envelope's content key) with the private key of the
   * certificate's encryption pair on the token (Chinese keys hold two), or of the certificate itself
   * when it has no pair: RSA through CKM_RSA_PKCS_OAEP (SHA-256 or SHA-1) or CKM_RSA_PKCS. Logs out
   * afterwards unless `keepLoggedIn`.
   *
   * @throws {YizhengError} TOKEN_LOGIN_REQUIRED when the login has ended; MECHANISM_UNSUPPORTED (an
   *   SM2 or EC key, or a mechanism or OAEP hash the token refuses); CERT_NOT_FOUND (no such key);
   *   CLIENT_REPORTED_ERROR (the token could not decrypt the ciphertext); DEVICE_REMOVED.
   */
  async decrypt(ciphertext: Uint8Array, options: Pkcs11DecryptOptions = {}): Promise<Pkcs11Decryption> {
    if (!this.#active) throw new YizhengError('TOKEN_LOGIN_REQUIRED', {});
    return this.#module._decrypt(this, this.#session, this.keyId, ciphertext, options);
  }

  /** Logs out and closes the session (idempotent; never rejects). `active` is false at once. */
  logout(): Promise<void> {
    const session = this._end();
    return session === null ? Promise.resolve() : this.#module._logout(this, session);
  }

  /** @internal Marks the login ended; its session when it was still active (to log out), else null. */
  _end(): Pkcs11Handle | null {
    if (!this.#active) return null;
    this.#active = false;
    return this.#session;
  }
}

// --- opening --------------------------------------------------------------------------------------

const CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;

function initArgs(libraryParameters: string | undefined): { libraryParameters: string } | undefined {
  return libraryParameters === undefined ? undefined : { libraryParameters };
}

function notInitialized(err: unknown, name: string): YizhengError | null {
  return ckrOf(err) === CKR_CRYPTOKI_ALREADY_INITIALIZED ? null : new YizhengError('CLIENT_NOT_RUNNING', { client: name }, { cause: err });
}

/**
 * Wraps a PKCS#11 implementation already loaded in this thread (for example a test double) and
 * initialises it; its calls run in this thread. {@link Pkcs11Module.close} finalises it.
 */
export function createPkcs11Module(api: Pkcs11Api, options: Pkcs11ModuleOptions & { libraryParameters?: string } = {}): Pkcs11Module {
  const name = options.name ?? 'PKCS#11 module';
  try {
    api.C_Initialize(initArgs(options.libraryParameters));
  } catch (err) {
    const error = notInitialized(err, name);
    if (error) throw error;
  }
  const wrapped = inThread(api);
  return new Pkcs11Module(wrapped, options, async () => {
    try {
      await wrapped.C_Finalize();
    } catch {
      // already finalised
    }
  });
}

/**
 * Starts a worker thread holding `library`, initialises it and wraps it; several modules may share it
 * (the caller counts them). The worker's calls are the only ones made to the library.
 *
 * @internal
 */
async function startWorkerModule(library: Pkcs11WorkerLibrary, libraryParameters: string | undefined, name: string): Promise<Pkcs11AsyncApi> {
  let api: Pkcs11AsyncApi;
  try {
    api = await startPkcs11Worker(library);
  } catch (err) {
    throw new YizhengError('CLIENT_NOT_RUNNING', { client: name }, { cause: err });
  }
  try {
    await api.C_Initialize(initArgs(libraryParameters));
  } catch (err) {
    const error = notInitialized(err, name);
    if (error) {
      await api.close();
      throw error;
    }
  }
  return api;
}

/** One loaded library per path, in one worker thread, shared (C_Initialize once) and finalised when the last user closes. */
const loaded = new Map<string, { api: Promise<Pkcs11AsyncApi>; users: number }>();

/**
 * Loads the PKCS#11 library at `options.path` through `pkcs11js` in a worker thread and initialises
 * it: every PKCS#11 call runs there, so a PIN pad waiting for the user, or a slow token, never blocks
 * this thread's event loop. Opening the same path twice shares one worker and one initialised library.
 *
 * @throws {YizhengError} CLIENT_NOT_RUNNING when the library cannot be loaded or initialised.
 */
export async function openPkcs11Module(options: OpenPkcs11ModuleOptions): Promise<Pkcs11Module> {
  const name = options.name ?? `PKCS#11 module ${options.path}`;
  return openShared(options.path, { kind: 'pkcs11js', path: options.path }, options, name);
}

/**
 * Opens a module whose library is an ES module loaded in the worker thread (`createPkcs11Api(options)`
 * returns an object shaped like `pkcs11js`): for tests, where a double must block its thread as a
 * PIN pad does.
 *
 * @internal
 */
export async function openWorkerPkcs11Module(library: Pkcs11WorkerLibrary & { kind: 'script' }, options: Pkcs11ModuleOptions = {}): Promise<Pkcs11Module> {
  const name = options.name ?? 'PKCS#11 module';
  const api = await startWorkerModule(library, undefined, name);
  return new Pkcs11Module(api, options, async () => {
    try {
      await api.C_Finalize();
    } catch {
      // already finalised
    }
    await api.close();
  });
}

async function openShared(key: string, library: Pkcs11WorkerLibrary, options: Pkcs11ModuleOptions & { libraryParameters?: string }, name: string): Promise<Pkcs11Module> {
  let entry = loaded.get(key);
  if (entry === undefined) {
    entry = { api: startWorkerModule(library, options.libraryParameters, name), users: 0 };
    loaded.set(key, entry);
  }
  let api: Pkcs11AsyncApi;
  try {
    api = await entry.api;
  } catch (err) {
    if (loaded.get(key) === entry) loaded.delete(key);
    throw isYizhengError(err) ? err : new YizhengError('CLIENT_NOT_RUNNING', { client: name }, { cause: err });
  }
  entry.users++;
  const shared = entry;
  return new Pkcs11Module(api, { ...options, name }, async () => {
    shared.users--;
    if (shared.users > 0) return;
    if (loaded.get(key) === shared) loaded.delete(key);
    try {
      await api.C_Finalize();
    } catch {
      // already finalised
    }
    await api.close();
  });
}
