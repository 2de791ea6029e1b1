/**
 * SM2 signature verification with SM3 (GM/T 0003.2-2012, GB/T 32918.2-2016): Z computation, the
 * per-key caches and the verification entry point used by {@link verifySignature}.
 */
import { LruCache } from '../cert/cache';
import { YizhengError } from '../errors/index';
import {
  SM2_A,
  SM2_B,
  SM2_GX,
  SM2_GY,
  bigIntToBytes,
  buildFixedTable,
  bytesToBigInt,
  decodePoint,
  verifyEquation,
  type FixedTable,
} from './sm2-curve';
import { bytesKey } from './bytes';
import { Sm3 } from './sm3';

/** The default SM2 user id, `1234567812345678` (GM/T 0009-2012 §10; every CA and client uses it). */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

/** Longest user id: ENTL is a 16-bit count of bits, so 8191 bytes. */
const MAX_USER_ID_BYTES = 8191;

/** Window width of a cached per-key table: 43 windows × 32 points (about 150 KB). */
const KEY_TABLE_WINDOW = 6;

/** Number of public keys whose decoded point and Z values are remembered. */
const DEFAULT_SM2_KEY_CACHE_SIZE = 1024;

/** Default number of per-key precomputed tables kept (each about 150 KB). */
export const DEFAULT_SM2_TABLE_CACHE_SIZE = 64;

/**
 * A key's table is built on its second verification, so a key seen once never pays for it; a key
 * whose table was evicted gets a new one only after 16 more verifications, so a working set larger
 * than the table cache cannot make every verification rebuild a table.
 */
const TABLE_AFTER_USES = 2;
const TABLE_REBUILD_AFTER_USES = 16;

const CURVE_PARAMS = Uint8Array.of(
  ...bigIntToBytes(SM2_A),
  ...bigIntToBytes(SM2_B),
  ...bigIntToBytes(SM2_GX),
  ...bigIntToBytes(SM2_GY),
);

const UTF8 = new TextEncoder();
const DEFAULT_ID_BYTES = UTF8.encode(SM2_DEFAULT_USER_ID);

/** A validated SM2 public key with its caches. */
interface Sm2Key {
  readonly x: bigint;
  readonly y: bigint;
  /** X ‖ Y, 64 bytes, for Z. */
  readonly xy: Uint8Array;
  /** Verifications since the key was first seen or its table last built. */
  uses: number;
  /** True once a table was built for this key (it may have been evicted since). */
  hadTable: boolean;
  /** Z by user id (latin1 of its bytes); a handful at most. */
  readonly z: Map<string, Uint8Array>;
}

const keys = new LruCache<Sm2Key>(DEFAULT_SM2_KEY_CACHE_SIZE);
const tables = new LruCache<FixedTable>(DEFAULT_SM2_TABLE_CACHE_SIZE);
let activeTables = tables;

/** @internal A table cache of the given size, for one `createYizheng` instance. */
export function createSm2TableCache(size: number): LruCache<FixedTable> {
  return new LruCache<FixedTable>(size);
}

/** @internal Runs `fn` (synchronous, like verification) with `cache` holding the per-key tables. */
export function withSm2Tables<T>(cache: LruCache<FixedTable>, fn: () => T): T {
  const previous = activeTables;
  activeTables = cache;
  try {
    return fn();
  } finally {
    activeTables = previous;
  }
}

const latin1Key = bytesKey;

/**
 * The validated key for the SEC 1 encoded `point`, from the cache or decoded now. Undefined when
 * the point is not a valid SM2 public key (wrong encoding, off the curve).
 */
function lookupKey(point: Uint8Array): { id: string; key: Sm2Key } | undefined {
  const id = latin1Key(point);
  let key = keys.get(id);
  if (key === undefined) {
    const xy = decodePoint(point);
    if (xy === undefined) return undefined;
    const [x, y] = xy;
    const bytes = new Uint8Array(64);
    bytes.set(bigIntToBytes(x), 0);
    bytes.set(bigIntToBytes(y), 32);
    key = { x, y, xy: bytes, uses: 0, hadTable: false, z: new Map() };
    keys.set(id, key);
  }
  return { id, key };
}

function userIdBytes(userId: string | Uint8Array | undefined): Uint8Array {
  if (userId === undefined) return DEFAULT_ID_BYTES;
  const bytes = typeof userId === 'string' ? UTF8.encode(userId) : userId;
  if (!(bytes instanceof Uint8Array)) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'sm2UserId must be a string or a Uint8Array' });
  }
  if (bytes.length > MAX_USER_ID_BYTES) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: `sm2UserId is longer than ${MAX_USER_ID_BYTES} bytes` });
  }
  return bytes;
}

function zOf(xy: Uint8Array, id: Uint8Array): Uint8Array {
  const bits = id.length * 8;
  return new Sm3()
    .update(Uint8Array.of(bits >>> 8, bits & 0xff))
    .update(id)
    .update(CURVE_PARAMS)
    .update(xy)
    .digest();
}

function cachedZ(key: Sm2Key, id: Uint8Array): Uint8Array {
  const k = id === DEFAULT_ID_BYTES ? '' : '\u0001' + latin1Key(id);
  let z = key.z.get(k);
  if (z === undefined) {
    z = zOf(key.xy, id);
    if (key.z.size >= 8) key.z.clear();
    key.z.set(k, z);
  }
  return z;
}

/**
 * Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), the user identity hash that SM2 signs in front of
 * the message (GM/T 0003.2-2012 §5.5).
 *
 * @param publicKeyPoint The public key as an SEC 1 point: `04‖X‖Y` (65 bytes) or compressed
 *   `02/03‖X` (33 bytes), e.g. `certificate.publicKey.point`.
 * @param userId The signer's id, a string (UTF-8) or bytes; default `1234567812345678`.
 * @returns The 32-byte Z.
 * @throws {YizhengError} `INVALID_ARGUMENT` when the point is not a valid SM2 public key or the
 *   id is longer than 8191 bytes.
 *
 * @example
 * ```ts
 * const z = computeSm2Z(cert.publicKey.point); // default id 1234567812345678
 * ```
 */
export function computeSm2Z(publicKeyPoint: Uint8Array, userId?: string | Uint8Array): Uint8Array {
  if (!(publicKeyPoint instanceof Uint8Array)) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'publicKeyPoint must be a Uint8Array' });
  }
  const found = lookupKey(publicKeyPoint);
  if (found === undefined) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'publicKeyPoint is not a valid SM2 public key' });
  }
  return cachedZ(found.key, userIdBytes(userId)).slice();
}

/** @internal Normalises a user id option (validating it) for {@link sm2Verify}. */
export function sm2UserIdBytes(userId: string | Uint8Array | undefined): Uint8Array {
  return userIdBytes(userId);
}

/** @internal Result of {@link sm2Verify}. */
export type Sm2Outcome = 'valid' | 'invalid' | 'bad-key';

/**
 * @internal Verifies an SM2-with-SM3 signature (r, s) over `data` (the message itself: Z is
 * prepended here) for the SEC 1 encoded `point`. `bad-key` when the point is not a valid SM2
 * public key. r and s are checked against (0, n) again by the equation.
 */
export function sm2Verify(point: Uint8Array, userId: Uint8Array, data: Uint8Array, r: bigint, s: bigint): Sm2Outcome {
  const found = lookupKey(point);
  if (found === undefined) return 'bad-key';
  const { id, key } = found;
  key.uses++;
  let table = activeTables.get(id);
  if (table === undefined && activeTables.max > 0 && key.uses >= (key.hadTable ? TABLE_REBUILD_AFTER_USES : TABLE_AFTER_USES)) {
    table = buildFixedTable(key.x, key.y, KEY_TABLE_WINDOW);
    activeTables.set(id, table);
    key.hadTable = true;
    key.uses = 0;
  }
  const z = cachedZ(key, userId);
  const e = bytesToBigInt(new Sm3().update(z).update(data).digest());
  return verifyEquation(key.x, key.y, table, e, r, s) ? 'valid' : 'invalid';
}

/**
 * Sets how many SM2 public keys keep a precomputed table (default 64, about 150 KB each). A key
 * gets a table on its second verification; with a table a verification is about four times
 * faster. 0 disables the tables.
 */
export function setSm2TableCacheSize(size: number): void {
  if (!Number.isInteger(size) || size < 0) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'the SM2 table cache size must be a non-negative integer' });
  }
  tables.resize(size);
}

/** @internal Empties the SM2 key and table caches (tests, benchmarks). */
export function clearSm2Caches(): void {
  keys.clear();
  tables.clear();
}
