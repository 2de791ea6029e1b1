/**
 * The part of the PKCS#11 interface Yizheng calls, shaped like `pkcs11js` (handles are Buffers,
 * failures throw an Error whose `code` is the CKR_ value). The real one is `pkcs11js` loaded from a
 * module path; tests substitute a fault-injecting fake with the same shape.
 */

/** A PKCS#11 handle (slot, session or object id) as `pkcs11js` passes it: the CK_ULONG's bytes. */
export type Pkcs11Handle = Buffer;

/** An attribute as given to C_FindObjectsInit / C_GetAttributeValue. */
export interface Pkcs11Attribute {
  /** CKA_ type. */
  readonly type: number;
  /** The value; absent when asking for it. */
  readonly value?: number | boolean | string | Buffer;
}

/** CK_TOKEN_INFO, the fields Yizheng reads. */
export interface Pkcs11TokenInfo {
  /** Blank-padded label. */
  readonly label: string;
  /** Blank-padded manufacturer id. */
  readonly manufacturerID: string;
  /** Blank-padded model. */
  readonly model: string;
  /** Blank-padded serial number. */
  readonly serialNumber: string;
  /** CKF_ token flags, including the user PIN state flags. */
  readonly flags: number;
  /** Smallest PIN length accepted. */
  readonly minPinLen: number;
  /** Largest PIN length accepted. */
  readonly maxPinLen: number;
}

/** CK_SLOT_INFO, the fields Yizheng reads. */
export interface Pkcs11SlotInfo {
  /** Blank-padded description. */
  readonly slotDescription: string;
  /** Blank-padded manufacturer id. */
  readonly manufacturerID: string;
  /** CKF_ slot flags. */
  readonly flags: number;
}

/** CK_INFO, the fields Yizheng reads. */
export interface Pkcs11Info {
  /** Blank-padded manufacturer id of the library. */
  readonly manufacturerID: string;
  /** Blank-padded description of the library. */
  readonly libraryDescription: string;
  /** The library's own version. */
  readonly libraryVersion: { readonly major: number; readonly minor: number };
  /** The Cryptoki version it implements. */
  readonly cryptokiVersion: { readonly major: number; readonly minor: number };
}

/** CK_RSA_PKCS_OAEP_PARAMS as `pkcs11js` takes it (`type` is its CK_PARAMS_RSA_OAEP tag, 4). */
export interface Pkcs11RsaOaepParams {
  /** `pkcs11js`'s parameter tag: 4 (CK_PARAMS_RSA_OAEP). */
  readonly type: number;
  /** CKM_ of the hash (CKM_SHA_1, CKM_SHA256). */
  readonly hashAlg: number;
  /** CKG_ of the mask generation function (CKG_MGF1_SHA1, CKG_MGF1_SHA256). */
  readonly mgf: number;
  /** CKZ_DATA_SPECIFIED. */
  readonly source: number;
  /** The label; absent for the empty one. */
  readonly sourceData?: Buffer;
}

/** A mechanism and its parameter. */
export interface Pkcs11Mechanism {
  /** CKM_ value. */
  readonly mechanism: number;
  /** The parameter: bytes for vendor mechanisms that take one (e.g. an SM2 user id), or RSA-OAEP's parameters. */
  readonly parameter?: Buffer | Pkcs11RsaOaepParams;
}

/** The functions of a PKCS#11 module that Yizheng calls, in `pkcs11js`'s shape. */
export interface Pkcs11Api {
  /** C_Initialize. */
  C_Initialize(options?: { libraryParameters?: string; flags?: number }): void;
  /** C_Finalize. */
  C_Finalize(): void;
  /** C_GetInfo. */
  C_GetInfo(): Pkcs11Info;
  /** C_GetSlotList. */
  C_GetSlotList(tokenPresent?: boolean): Pkcs11Handle[];
  /** C_GetSlotInfo. */
  C_GetSlotInfo(slot: Pkcs11Handle): Pkcs11SlotInfo;
  /** C_GetTokenInfo. */
  C_GetTokenInfo(slot: Pkcs11Handle): Pkcs11TokenInfo;
  /** C_GetMechanismList. */
  C_GetMechanismList(slot: Pkcs11Handle): number[];
  /** C_OpenSession. */
  C_OpenSession(slot: Pkcs11Handle, flags: number): Pkcs11Handle;
  /** C_CloseSession. */
  C_CloseSession(session: Pkcs11Handle): void;
  /** C_Login; no PIN means the reader's PIN pad (protected authentication path). */
  C_Login(session: Pkcs11Handle, userType: number, pin?: string): void;
  /** C_Logout. */
  C_Logout(session: Pkcs11Handle): void;
  /** C_SetPIN. */
  C_SetPIN(session: Pkcs11Handle, oldPin: string, newPin: string): void;
  /** C_FindObjectsInit. */
  C_FindObjectsInit(session: Pkcs11Handle, template: Pkcs11Attribute[]): void;
  /** C_FindObjects, up to `maxObjectCount` handles. */
  C_FindObjects(session: Pkcs11Handle, maxObjectCount: number): Pkcs11Handle[];
  /** C_FindObjectsFinal. */
  C_FindObjectsFinal(session: Pkcs11Handle): void;
  /** C_GetAttributeValue. */
  C_GetAttributeValue(session: Pkcs11Handle, object: Pkcs11Handle, template: Pkcs11Attribute[]): Pkcs11Attribute[];
  /** C_SignInit. */
  C_SignInit(session: Pkcs11Handle, mechanism: Pkcs11Mechanism, key: Pkcs11Handle): void;
  /** C_Sign into `outData`; returns the part of it written. */
  C_Sign(session: Pkcs11Handle, inData: Buffer, outData: Buffer): Buffer;
  /** C_DecryptInit (optional here: a test double may leave it out; a call then fails with CKR_FUNCTION_NOT_SUPPORTED). */
  C_DecryptInit?(session: Pkcs11Handle, mechanism: Pkcs11Mechanism, key: Pkcs11Handle): void;
  /** C_Decrypt into `outData`; returns the part of it written. */
  C_Decrypt?(session: Pkcs11Handle, inData: Buffer, outData: Buffer): Buffer;
  /** Unloads the library (pkcs11js), after C_Finalize. */
  close?(): void;
}

/** The PKCS#11 functions of {@link Pkcs11Api} (what a worker thread may be asked to call). */
export type Pkcs11Function = Exclude<keyof Pkcs11Api, 'close'>;

/** Every PKCS#11 function {@link Pkcs11Api} has, by name (the worker answers these and nothing else). */
export const PKCS11_FUNCTIONS: readonly Pkcs11Function[] = [
  'C_Initialize',
  'C_Finalize',
  'C_GetInfo',
  'C_GetSlotList',
  'C_GetSlotInfo',
  'C_GetTokenInfo',
  'C_GetMechanismList',
  'C_OpenSession',
  'C_CloseSession',
  'C_Login',
  'C_Logout',
  'C_SetPIN',
  'C_FindObjectsInit',
  'C_FindObjects',
  'C_FindObjectsFinal',
  'C_GetAttributeValue',
  'C_SignInit',
  'C_Sign',
  'C_DecryptInit',
  'C_Decrypt',
];

/**
 * {@link Pkcs11Api} with every call answered by a Promise: how {@link Pkcs11Module} calls a module, in
 * a worker thread (a real library: a PIN pad's wait then blocks no event loop) or in this thread (a
 * test double). `close` unloads the library and ends the thread.
 *
 * @internal
 */
export type Pkcs11AsyncApi = { readonly [F in Pkcs11Function]-?: (...args: Parameters<NonNullable<Pkcs11Api[F]>>) => Promise<ReturnType<NonNullable<Pkcs11Api[F]>>> } & {
  close(): Promise<void>;
};

/**
 * Runs a {@link Pkcs11Api} in this thread behind the Promise interface (for test doubles and for
 * callers who load a library themselves).
 *
 * @internal
 */
export function inThread(api: Pkcs11Api): Pkcs11AsyncApi {
  const out: Record<string, unknown> = {
    close: async () => api.close?.(),
  };
  for (const fn of PKCS11_FUNCTIONS) {
    out[fn] = async (...args: unknown[]) => {
      const f = api[fn] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof f !== 'function') throw Object.assign(new Error(`CKR_FUNCTION_NOT_SUPPORTED: ${fn}`), { code: 0x54 });
      return f.apply(api, args);
    };
  }
  return out as Pkcs11AsyncApi;
}

/** The CKR_ code of an error a PKCS#11 call threw, or undefined when it carries none. */
export function ckrOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number' && Number.isInteger(code) && code >= 0) return code;
  return undefined;
}

/** The CKR_ name pkcs11js put in the message (e.g. `CKR_PIN_INCORRECT`), when there is one. */
export function ckrNameOf(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  return /^CKR_[A-Z0-9_]+/.exec(err.message)?.[0];
}

/**
 * Loads a PKCS#11 module (a `.so` / `.dll` / `.dylib` path) through the `pkcs11js` native addon.
 * The addon is loaded on first use only, so the rest of the package works where it is not built.
 */
export async function loadPkcs11Library(path: string): Promise<Pkcs11Api> {
  const imported = (await import('pkcs11js')) as unknown as { PKCS11?: new () => unknown; default?: { PKCS11: new () => unknown } };
  const Ctor = imported.PKCS11 ?? imported.default?.PKCS11;
  if (Ctor === undefined) throw new Error('pkcs11js did not load (is its native addon built? run pnpm install)');
  const lib = new Ctor() as { load(path: string): void } & Pkcs11Api;
  lib.load(path);
  return lib;
}
