/**
 * A fault-injecting PKCS#11 module in JavaScript, shaped like `pkcs11js`, for what SoftHSM cannot do:
 * PIN counters with FINAL_TRY and LOCKED, wrongly set flags, CKR_GENERAL_ERROR for a wrong PIN, a
 * token pulled out in the middle of an operation, a PIN pad whose user presses Cancel, a default PIN
 * that must be changed, and vendor SM2 mechanisms. Test-only; not exported from the package.
 *
 * Semantics follow PKCS#11 v2.40 where the code under test depends on them: login state belongs to
 * the token (all sessions), private keys are visible only when logged in, closing the last session
 * logs out, and a removed token invalidates its sessions.
 */
import { createPrivateKey, privateEncrypt, constants as cryptoConstants, createHash } from 'node:crypto';
import type { Pkcs11Api, Pkcs11Attribute, Pkcs11Handle, Pkcs11Info, Pkcs11Mechanism, Pkcs11SlotInfo, Pkcs11TokenInfo } from '../pkcs11/api';
import * as C from '../pkcs11/constants';
import { derToRaw, SHA256_DIGEST_INFO_PREFIX } from '../pkcs11/encoding';
import { CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED, CKF_USER_PIN_TO_BE_CHANGED } from '../pin-state';

const CKR_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(C)
    .filter(([name, value]) => name.startsWith('CKR_') && typeof value === 'number')
    .map(([name, value]) => [value as number, name]),
);
const CKR_ATTRIBUTE_TYPE_INVALID = 0x12;
const CKR_OPERATION_NOT_INITIALIZED = 0x91;
const CKR_SESSION_READ_ONLY = 0xb5;

/** What pkcs11js throws: message `CKR_NAME`, numeric `code`. */
export class FakePkcs11Error extends Error {
  /** The CKR_ value. */
  readonly code: number;
  /** The function that failed. */
  readonly method: string;

  constructor(code: number, method: string) {
    super(CKR_NAMES[code] ?? `CKR_0x${code.toString(16)}`);
    this.name = 'Pkcs11Error';
    this.code = code;
    this.method = method;
  }
}

/** A key the fake can sign with: the test CA kit's TestKey fits. */
export interface FakeKey {
  /** `rsa`, `ec` (P-256) or `sm2`. */
  readonly algorithm: 'rsa' | 'ec' | 'sm2';
  /** Signs the message: RSA PKCS#1 v1.5 raw, ECDSA / SM2 DER (SM2 with the default user id). */
  sign(data: Uint8Array, hash?: 'sha256'): Uint8Array;
  /** PKCS#8 DER (RSA only is used: for raw CKM_RSA_PKCS). */
  pkcs8(): Uint8Array;
}

/** An object on a fake token: a certificate, or a private key. */
export type FakeObject =
  | { readonly kind: 'certificate'; readonly id: Uint8Array; readonly label: string; readonly der: Uint8Array }
  | { readonly kind: 'privateKey'; readonly id: Uint8Array; readonly label: string; readonly key: FakeKey };

/** A fake token. */
export interface FakeTokenOptions {
  /** Label. */
  readonly label: string;
  /** Serial number. */
  readonly serial: string;
  /** User PIN. */
  readonly pin: string;
  /** Manufacturer id; default `Yizheng Fake`. */
  readonly manufacturer?: string;
  /** PIN length limits; default 4 to 16. */
  readonly minPinLen?: number;
  /** See {@link FakeTokenOptions.minPinLen}. */
  readonly maxPinLen?: number;
  /** Wrong PINs before the PIN locks; default 6. */
  readonly maxTries?: number;
  /**
   * How the token reports the counter: `exact` raises COUNT_LOW, FINAL_TRY and LOCKED as the spec
   * says; `count-low` only ever raises COUNT_LOW (SoftHSM2); `none` raises nothing.
   */
  readonly pinFlags?: 'exact' | 'count-low' | 'none';
  /** What C_Login returns for a wrong PIN; default CKR_PIN_INCORRECT (some modules: CKR_GENERAL_ERROR). */
  readonly wrongPinError?: number;
  /** Extra token flags, e.g. CKF_USER_PIN_TO_BE_CHANGED or CKF_PROTECTED_AUTHENTICATION_PATH. */
  readonly flags?: number;
  /** Mechanisms offered; default CKM_SHA256_RSA_PKCS, CKM_RSA_PKCS, CKM_ECDSA_SHA256. */
  readonly mechanisms?: readonly number[];
  /** A vendor SM2 mechanism id: signs the message (SM2 with SM3, Z included) and returns DER. */
  readonly sm2Mechanism?: number;
  /** What the PIN pad user does, for a login without a PIN on a protected-path token. */
  readonly pinPad?: () => 'ok' | 'cancel';
  /** The error operations on a pulled-out token's sessions return; default CKR_DEVICE_REMOVED. */
  readonly removalError?: number;
  /** The objects. */
  readonly objects: readonly FakeObject[];
}

interface TokenState {
  readonly options: FakeTokenOptions;
  readonly slot: number;
  pin: string;
  tries: number;
  locked: boolean;
  flags: number;
  present: boolean;
  generation: number;
  loggedIn: boolean;
  readonly objects: Map<number, FakeObject>;
}

interface SessionState {
  readonly token: TokenState;
  readonly generation: number;
  readonly rw: boolean;
  found: number[] | null;
  signing: { mechanism: number; key: FakeObject & { kind: 'privateKey' } } | null;
}

function handle(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

function num(h: Pkcs11Handle): number {
  return h.length === 8 ? Number(h.readBigUInt64LE(0)) : -1;
}

const pad = (s: string, n: number): string => s.padEnd(n, ' ').slice(0, n);
const BASE_FLAGS = C.CKF_LOGIN_REQUIRED | C.CKF_USER_PIN_INITIALIZED | C.CKF_TOKEN_INITIALIZED;
const PIN_FLAGS = CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED;

/** A hook run before a PKCS#11 function; it may throw a {@link FakePkcs11Error} or pull a token out. */
export type FakeHook = (fake: FakePkcs11) => void;

/** The fake module. */
export class FakePkcs11 implements Pkcs11Api {
  readonly #tokens: TokenState[];
  readonly #sessions = new Map<number, SessionState>();
  readonly #hooks = new Map<string, FakeHook[]>();
  #nextSession = 1;
  #nextObject = 1;
  #initialized = false;
  /** Every function called, in order (names only: no PINs are recorded). */
  readonly calls: string[] = [];

  constructor(tokens: readonly FakeTokenOptions[]) {
    this.#tokens = tokens.map((options, slot) => {
      const objects = new Map<number, FakeObject>();
      for (const o of options.objects) objects.set(this.#nextObject++, o);
      return {
        options,
        slot,
        pin: options.pin,
        tries: 0,
        locked: false,
        flags: BASE_FLAGS | (options.flags ?? 0),
        present: true,
        generation: 0,
        loggedIn: false,
        objects,
      };
    });
  }

  /** Runs `hook` before the next call of `fn` (once). */
  before(fn: string, hook: FakeHook): this {
    const list = this.#hooks.get(fn) ?? [];
    list.push(hook);
    this.#hooks.set(fn, list);
    return this;
  }

  /** Makes the next call of `fn` fail with `ckr`. */
  failNext(fn: string, ckr: number): this {
    return this.before(fn, () => {
      throw new FakePkcs11Error(ckr, fn);
    });
  }

  /** Pulls the token out: its sessions die and its login ends. */
  remove(serial: string): void {
    const t = this.#token(serial);
    t.present = false;
    t.loggedIn = false;
  }

  /** Plugs the token back in. */
  insert(serial: string): void {
    const t = this.#token(serial);
    t.present = true;
    t.generation++;
  }

  /** Overwrites the token's flags (to model modules that report them wrongly). */
  setFlags(serial: string, flags: number): void {
    this.#token(serial).flags = flags;
  }

  /** The token's flags now. */
  flagsOf(serial: string): number {
    return this.#token(serial).flags;
  }

  /** The token's PIN now (for assertions after C_SetPIN). */
  pinOf(serial: string): string {
    return this.#token(serial).pin;
  }

  /** Whether the token's PIN is really locked now (whatever its flags say). */
  isLocked(serial: string): boolean {
    return this.#token(serial).locked;
  }

  /** Wrong PINs the token counted since its last right one. */
  triesUsed(serial: string): number {
    return this.#token(serial).tries;
  }

  /** Whether the token is logged in now. */
  isLoggedIn(serial: string): boolean {
    return this.#token(serial).loggedIn;
  }

  /** Number of open sessions. */
  get openSessions(): number {
    return this.#sessions.size;
  }

  #token(serial: string): TokenState {
    const t = this.#tokens.find((x) => x.options.serial === serial);
    if (t === undefined) throw new RangeError(`no fake token ${serial}`);
    return t;
  }

  #enter(fn: string): void {
    this.calls.push(fn);
    const hooks = this.#hooks.get(fn);
    if (hooks && hooks.length > 0) {
      const hook = hooks.shift();
      hook?.(this);
    }
    if (!this.#initialized && fn !== 'C_Initialize') throw new FakePkcs11Error(0x190, fn); // CKR_CRYPTOKI_NOT_INITIALIZED
  }

  #slot(h: Pkcs11Handle, fn: string): TokenState {
    const t = this.#tokens[num(h)];
    if (t === undefined) throw new FakePkcs11Error(C.CKR_SLOT_ID_INVALID, fn);
    return t;
  }

  #present(h: Pkcs11Handle, fn: string): TokenState {
    const t = this.#slot(h, fn);
    if (!t.present) throw new FakePkcs11Error(C.CKR_TOKEN_NOT_PRESENT, fn);
    return t;
  }

  #session(h: Pkcs11Handle, fn: string): SessionState {
    const s = this.#sessions.get(num(h));
    if (s === undefined) throw new FakePkcs11Error(C.CKR_SESSION_HANDLE_INVALID, fn);
    if (!s.token.present) throw new FakePkcs11Error(s.token.options.removalError ?? C.CKR_DEVICE_REMOVED, fn);
    if (s.generation !== s.token.generation) throw new FakePkcs11Error(C.CKR_SESSION_HANDLE_INVALID, fn);
    return s;
  }

  #wrongPin(t: TokenState, fn: string): never {
    t.tries++;
    const remaining = (t.options.maxTries ?? 6) - t.tries;
    const mode = t.options.pinFlags ?? 'exact';
    t.flags &= ~PIN_FLAGS;
    if (mode !== 'none') t.flags |= CKF_USER_PIN_COUNT_LOW;
    if (mode === 'exact' && remaining === 1) t.flags |= CKF_USER_PIN_FINAL_TRY;
    if (mode === 'exact' && remaining <= 0) t.flags |= CKF_USER_PIN_LOCKED;
    if (remaining <= 0) t.locked = true; // really locked, whatever the flags say
    throw new FakePkcs11Error(t.options.wrongPinError ?? C.CKR_PIN_INCORRECT, fn);
  }

  #rightPin(t: TokenState): void {
    t.tries = 0;
    t.flags &= ~PIN_FLAGS;
  }

  // --- Pkcs11Api -----------------------------------------------------------------------------------

  C_Initialize(): void {
    this.#enter('C_Initialize');
    if (this.#initialized) throw new FakePkcs11Error(0x191, 'C_Initialize');
    this.#initialized = true;
  }

  C_Finalize(): void {
    this.#enter('C_Finalize');
    this.#initialized = false;
    this.#sessions.clear();
    for (const t of this.#tokens) t.loggedIn = false;
  }

  C_GetInfo(): Pkcs11Info {
    this.#enter('C_GetInfo');
    return {
      manufacturerID: pad('Yizheng Fake', 32),
      libraryDescription: pad('Fault-injecting PKCS#11 fake', 32),
      libraryVersion: { major: 1, minor: 0 },
      cryptokiVersion: { major: 2, minor: 40 },
    };
  }

  C_GetSlotList(tokenPresent?: boolean): Pkcs11Handle[] {
    this.#enter('C_GetSlotList');
    return this.#tokens.filter((t) => !tokenPresent || t.present).map((t) => handle(t.slot));
  }

  C_GetSlotInfo(slot: Pkcs11Handle): Pkcs11SlotInfo {
    this.#enter('C_GetSlotInfo');
    const t = this.#slot(slot, 'C_GetSlotInfo');
    return {
      slotDescription: pad(`Fake reader ${t.slot}`, 64),
      manufacturerID: pad('Yizheng Fake', 32),
      flags: C.CKF_REMOVABLE_DEVICE | (t.present ? C.CKF_TOKEN_PRESENT : 0),
    };
  }

  C_GetTokenInfo(slot: Pkcs11Handle): Pkcs11TokenInfo {
    this.#enter('C_GetTokenInfo');
    const t = this.#present(slot, 'C_GetTokenInfo');
    return {
      label: pad(t.options.label, 32),
      manufacturerID: pad(t.options.manufacturer ?? 'Yizheng Fake', 32),
      model: pad('UKey', 16),
      serialNumber: pad(t.options.serial, 16),
      flags: t.flags,
      minPinLen: t.options.minPinLen ?? 4,
      maxPinLen: t.options.maxPinLen ?? 16,
    };
  }

  C_GetMechanismList(slot: Pkcs11Handle): number[] {
    this.#enter('C_GetMechanismList');
    const t = this.#present(slot, 'C_GetMechanismList');
    return [...(t.options.mechanisms ?? [C.CKM_SHA256_RSA_PKCS, C.CKM_RSA_PKCS, C.CKM_ECDSA_SHA256]), ...(t.options.sm2Mechanism === undefined ? [] : [t.options.sm2Mechanism])];
  }

  C_OpenSession(slot: Pkcs11Handle, flags: number): Pkcs11Handle {
    this.#enter('C_OpenSession');
    const t = this.#present(slot, 'C_OpenSession');
    const id = this.#nextSession++;
    this.#sessions.set(id, { token: t, generation: t.generation, rw: (flags & C.CKF_RW_SESSION) !== 0, found: null, signing: null });
    return handle(id);
  }

  C_CloseSession(session: Pkcs11Handle): void {
    this.#enter('C_CloseSession');
    const id = num(session);
    const s = this.#sessions.get(id);
    if (s === undefined) throw new FakePkcs11Error(C.CKR_SESSION_HANDLE_INVALID, 'C_CloseSession');
    this.#sessions.delete(id);
    if (![...this.#sessions.values()].some((o) => o.token === s.token)) s.token.loggedIn = false;
    if (!s.token.present) throw new FakePkcs11Error(s.token.options.removalError ?? C.CKR_DEVICE_REMOVED, 'C_CloseSession');
  }

  C_Login(session: Pkcs11Handle, userType: number, pin?: string): void {
    this.#enter('C_Login');
    const s = this.#session(session, 'C_Login');
    const t = s.token;
    if (userType !== C.CKU_USER) throw new FakePkcs11Error(0x103, 'C_Login'); // CKR_USER_TYPE_INVALID
    if (t.loggedIn) throw new FakePkcs11Error(C.CKR_USER_ALREADY_LOGGED_IN, 'C_Login');
    if (t.locked) throw new FakePkcs11Error(C.CKR_PIN_LOCKED, 'C_Login');
    if (pin === undefined) {
      if ((t.flags & C.CKF_PROTECTED_AUTHENTICATION_PATH) === 0) throw new FakePkcs11Error(0x07, 'C_Login'); // CKR_ARGUMENTS_BAD
      if ((t.options.pinPad ?? (() => 'ok'))() === 'cancel') throw new FakePkcs11Error(C.CKR_FUNCTION_CANCELED, 'C_Login');
    } else {
      const length = Buffer.byteLength(pin);
      if (length < (t.options.minPinLen ?? 4) || length > (t.options.maxPinLen ?? 16)) throw new FakePkcs11Error(C.CKR_PIN_LEN_RANGE, 'C_Login');
      if (pin !== t.pin) this.#wrongPin(t, 'C_Login');
    }
    this.#rightPin(t);
    t.loggedIn = true;
  }

  C_Logout(session: Pkcs11Handle): void {
    this.#enter('C_Logout');
    const s = this.#session(session, 'C_Logout');
    if (!s.token.loggedIn) throw new FakePkcs11Error(C.CKR_USER_NOT_LOGGED_IN, 'C_Logout');
    s.token.loggedIn = false;
  }

  C_SetPIN(session: Pkcs11Handle, oldPin: string, newPin: string): void {
    this.#enter('C_SetPIN');
    const s = this.#session(session, 'C_SetPIN');
    const t = s.token;
    if (!s.rw) throw new FakePkcs11Error(CKR_SESSION_READ_ONLY, 'C_SetPIN');
    if (t.locked) throw new FakePkcs11Error(C.CKR_PIN_LOCKED, 'C_SetPIN');
    if (oldPin !== t.pin) this.#wrongPin(t, 'C_SetPIN');
    const length = Buffer.byteLength(newPin);
    if (length < (t.options.minPinLen ?? 4) || length > (t.options.maxPinLen ?? 16)) throw new FakePkcs11Error(C.CKR_PIN_LEN_RANGE, 'C_SetPIN');
    t.pin = newPin;
    this.#rightPin(t);
    t.flags &= ~CKF_USER_PIN_TO_BE_CHANGED;
  }

  C_FindObjectsInit(session: Pkcs11Handle, template: Pkcs11Attribute[]): void {
    this.#enter('C_FindObjectsInit');
    const s = this.#session(session, 'C_FindObjectsInit');
    const matches = (o: FakeObject): boolean =>
      template.every((a) => {
        switch (a.type) {
          case C.CKA_CLASS:
            return a.value === (o.kind === 'certificate' ? C.CKO_CERTIFICATE : C.CKO_PRIVATE_KEY);
          case C.CKA_CERTIFICATE_TYPE:
            return o.kind === 'certificate' && a.value === C.CKC_X_509;
          case C.CKA_ID:
            return Buffer.isBuffer(a.value) && a.value.equals(Buffer.from(o.id));
          default:
            return false;
        }
      });
    s.found = [...s.token.objects.entries()]
      .filter(([, o]) => (o.kind === 'certificate' || s.token.loggedIn) && matches(o))
      .map(([h]) => h);
  }

  C_FindObjects(session: Pkcs11Handle, maxObjectCount: number): Pkcs11Handle[] {
    this.#enter('C_FindObjects');
    const s = this.#session(session, 'C_FindObjects');
    if (s.found === null) throw new FakePkcs11Error(CKR_OPERATION_NOT_INITIALIZED, 'C_FindObjects');
    return s.found.splice(0, maxObjectCount).map(handle);
  }

  C_FindObjectsFinal(session: Pkcs11Handle): void {
    this.#enter('C_FindObjectsFinal');
    this.#session(session, 'C_FindObjectsFinal').found = null;
  }

  C_GetAttributeValue(session: Pkcs11Handle, object: Pkcs11Handle, template: Pkcs11Attribute[]): Pkcs11Attribute[] {
    this.#enter('C_GetAttributeValue');
    const s = this.#session(session, 'C_GetAttributeValue');
    const o = s.token.objects.get(num(object));
    if (o === undefined || (o.kind === 'privateKey' && !s.token.loggedIn)) throw new FakePkcs11Error(C.CKR_OBJECT_HANDLE_INVALID, 'C_GetAttributeValue');
    return template.map((a) => {
      switch (a.type) {
        case C.CKA_ID:
          return { type: a.type, value: Buffer.from(o.id) };
        case C.CKA_LABEL:
          return { type: a.type, value: Buffer.from(o.label, 'utf8') };
        case C.CKA_VALUE:
          if (o.kind === 'certificate') return { type: a.type, value: Buffer.from(o.der) };
          throw new FakePkcs11Error(0x11, 'C_GetAttributeValue'); // CKR_ATTRIBUTE_SENSITIVE
        default:
          throw new FakePkcs11Error(CKR_ATTRIBUTE_TYPE_INVALID, 'C_GetAttributeValue');
      }
    });
  }

  C_SignInit(session: Pkcs11Handle, mechanism: Pkcs11Mechanism, key: Pkcs11Handle): void {
    this.#enter('C_SignInit');
    const s = this.#session(session, 'C_SignInit');
    if (!s.token.loggedIn) throw new FakePkcs11Error(C.CKR_USER_NOT_LOGGED_IN, 'C_SignInit');
    const o = s.token.objects.get(num(key));
    if (o === undefined || o.kind !== 'privateKey') throw new FakePkcs11Error(C.CKR_KEY_HANDLE_INVALID, 'C_SignInit');
    const offered = this.C_GetMechanismList(handle(s.token.slot));
    this.calls.pop(); // the inner C_GetMechanismList is not a call of the code under test
    if (!offered.includes(mechanism.mechanism)) throw new FakePkcs11Error(C.CKR_MECHANISM_INVALID, 'C_SignInit');
    const fits =
      mechanism.mechanism === s.token.options.sm2Mechanism
        ? o.key.algorithm === 'sm2'
        : mechanism.mechanism === C.CKM_ECDSA_SHA256
          ? o.key.algorithm === 'ec'
          : o.key.algorithm === 'rsa';
    if (!fits) throw new FakePkcs11Error(C.CKR_KEY_TYPE_INCONSISTENT, 'C_SignInit');
    s.signing = { mechanism: mechanism.mechanism, key: o };
  }

  C_Sign(session: Pkcs11Handle, inData: Buffer, outData: Buffer): Buffer {
    this.#enter('C_Sign');
    const s = this.#session(session, 'C_Sign');
    const op = s.signing;
    if (op === null) throw new FakePkcs11Error(CKR_OPERATION_NOT_INITIALIZED, 'C_Sign');
    s.signing = null;
    let signature: Buffer;
    if (op.mechanism === C.CKM_RSA_PKCS) {
      const prefix = inData.subarray(0, SHA256_DIGEST_INFO_PREFIX.length);
      if (!prefix.equals(SHA256_DIGEST_INFO_PREFIX)) throw new FakePkcs11Error(0x20, 'C_Sign'); // CKR_DATA_INVALID
      const key = createPrivateKey({ key: Buffer.from(op.key.key.pkcs8()), format: 'der', type: 'pkcs8' });
      signature = privateEncrypt({ key, padding: cryptoConstants.RSA_PKCS1_PADDING }, inData);
    } else if (op.mechanism === C.CKM_ECDSA_SHA256) {
      signature = derToRaw(op.key.key.sign(inData, 'sha256'), 32);
    } else if (op.mechanism === C.CKM_SHA256_RSA_PKCS) {
      signature = Buffer.from(op.key.key.sign(inData, 'sha256'));
    } else {
      signature = Buffer.from(op.key.key.sign(inData)); // vendor SM2: DER over the message
    }
    signature.copy(outData);
    return outData.subarray(0, signature.length);
  }
}

/** SHA-256 of text, hex: handy for asserting what was signed without keeping it. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
