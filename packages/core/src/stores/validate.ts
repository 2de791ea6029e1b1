/**
 * Input checks and normalisation shared by every adapter, so all of them accept and reject the same
 * things and store the same values; plus the errors the stores throw on purpose, and cursors.
 */
import { randomUUID } from 'node:crypto';
import { YizhengError } from '../errors/index';
import { timeOrderedId } from './time-ordered-id';
import type {
  AuditEvent,
  AuditQuery,
  Binding,
  BindingPermissions,
  CertificateFacts,
  ChallengePurpose,
  ExpiringQuery,
  NewAuditEvent,
  NewBinding,
  PendingChallenge,
} from './types';

/** The scope a binding gets when none is given. */
export const DEFAULT_SCOPE = 'default';
/** The largest page a listing returns. */
export const MAX_PAGE_SIZE = 10_000;
/** The most bindings an identity-prefix lookup returns. */
export const MAX_PREFIX_MATCHES = 100;

const MAX_TEXT = 4096;
const NONCE = /^[A-Za-z0-9_-]{43}$/;

/**
 * What some store cannot hold as text: NUL (PostgreSQL's `text` and `jsonb` refuse it with a raw
 * driver error, SQLite and memory keep it) and UTF-16 surrogates without their pair (no UTF-8
 * encoding exists: the drivers silently store U+FFFD, so what comes back differs from what went in).
 * Every store refuses both up front, the same way, before any of them sees the value.
 */
function invalid(reason: string): YizhengError {
  return new YizhengError('INVALID_ARGUMENT', { reason });
}

function storable(value: string, what: string): string {
  if (!isStorableText(value)) throw invalid(`${what} must not contain NUL characters or unpaired UTF-16 surrogates`);
  return value;
}

/** True when every store can hold `value` as it is: no NUL, no unpaired UTF-16 surrogate. */
export function isStorableText(value: string): boolean {
  // isWellFormed: no lone surrogate (several times faster than a Unicode regex; every id on a login is checked).
  return value.isWellFormed() && !value.includes('\0');
}

/** A non-empty string of bounded length that every store can hold (no NUL, no unpaired surrogate). */
export function checkId(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT) {
    throw invalid(`${what} must be a non-empty string of at most ${MAX_TEXT} characters`);
  }
  return storable(value, what);
}

/** A string of bounded length, possibly empty, that every store can hold (no NUL, no unpaired surrogate). */
export function checkText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length > MAX_TEXT) {
    throw invalid(`${what} must be a string of at most ${MAX_TEXT} characters`);
  }
  return storable(value, what);
}

/** A valid Date, copied (Dates are mutable). */
export function checkDate(value: unknown, what: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw invalid(`${what} must be a valid Date`);
  return new Date(value.getTime());
}

/** `'login'` or `'bind'`. */
export function checkPurpose(value: unknown): ChallengePurpose {
  if (value !== 'login' && value !== 'bind') throw invalid(`purpose must be 'login' or 'bind'`);
  return value;
}

/** A checked copy of a challenge. */
export function normalizeChallenge(c: PendingChallenge): PendingChallenge {
  if (typeof c !== 'object' || c === null) throw invalid('challenge must be an object');
  if (typeof c.nonce !== 'string' || !NONCE.test(c.nonce)) {
    throw invalid('nonce must be 32 bytes in base64url without padding (43 characters)');
  }
  const issuedAt = checkDate(c.issuedAt, 'issuedAt');
  const expiresAt = checkDate(c.expiresAt, 'expiresAt');
  if (expiresAt.getTime() <= issuedAt.getTime()) throw invalid('expiresAt must be after issuedAt');
  return {
    sessionId: checkId(c.sessionId, 'sessionId'),
    purpose: checkPurpose(c.purpose),
    nonce: c.nonce,
    origin: checkId(c.origin, 'origin'),
    issuedAt,
    expiresAt,
  };
}

/** A checked copy of certificate facts. */
export function normalizeFacts(f: CertificateFacts): CertificateFacts {
  if (typeof f !== 'object' || f === null) throw invalid('certificate facts must be an object');
  const notBefore = checkDate(f.notBefore, 'certificate.notBefore');
  const notAfter = checkDate(f.notAfter, 'certificate.notAfter');
  const facts: CertificateFacts = {
    serialNumber: checkId(f.serialNumber, 'certificate.serialNumber'),
    sha256: checkId(f.sha256, 'certificate.sha256'),
    subjectDn: checkText(f.subjectDn, 'certificate.subjectDn'),
    issuerDn: checkText(f.issuerDn, 'certificate.issuerDn'),
    notBefore,
    notAfter,
  };
  return f.keyId === undefined ? facts : { ...facts, keyId: checkText(f.keyId, 'certificate.keyId') };
}

/** A checked copy of an encryption certificate's facts, without `keyId` (never stored for it). */
export function normalizeEncryptionFacts(f: CertificateFacts): CertificateFacts {
  if (typeof f !== 'object' || (f as unknown) === null) throw invalid('encryption certificate facts must be an object');
  const n = normalizeFacts(f);
  return { serialNumber: n.serialNumber, sha256: n.sha256, subjectDn: n.subjectDn, issuerDn: n.issuerDn, notBefore: n.notBefore, notAfter: n.notAfter };
}

/** A checked, sorted, de-duplicated copy of the authorisation. */
export function normalizePermissions(p: BindingPermissions): BindingPermissions {
  if (typeof p !== 'object' || p === null) throw invalid('permissions must be an object');
  if (typeof p.isAdmin !== 'boolean') throw invalid('isAdmin must be a boolean');
  return { isAdmin: p.isAdmin, permissions: permissionList(p.permissions) };
}

function permissionList(value: unknown): string[] {
  if (!Array.isArray(value)) throw invalid('permissions must be an array of strings');
  const set = new Set<string>();
  for (const p of value) set.add(checkId(p, 'a permission'));
  return [...set].sort();
}

/** The complete binding an insert stores, defaults applied. */
export function normalizeNewBinding(b: NewBinding, now: Date): Binding {
  if (typeof b !== 'object' || b === null) throw invalid('binding must be an object');
  const boundAt = b.boundAt === undefined ? new Date(now.getTime()) : checkDate(b.boundAt, 'boundAt');
  const { isAdmin, permissions } = normalizePermissions({ isAdmin: b.isAdmin ?? false, permissions: b.permissions ?? [] });
  return {
    id: b.id === undefined ? randomUUID() : checkId(b.id, 'id'),
    scope: b.scope === undefined ? DEFAULT_SCOPE : checkId(b.scope, 'scope'),
    identityKey: checkId(b.identityKey, 'identityKey'),
    providerId: checkId(b.providerId, 'providerId'),
    accountId: checkId(b.accountId, 'accountId'),
    organizationId: checkId(b.organizationId, 'organizationId'),
    enterpriseCode: checkText(b.enterpriseCode, 'enterpriseCode'),
    entityName: checkText(b.entityName, 'entityName'),
    certificate: normalizeFacts(b.certificate),
    ...(b.encryptionCertificate !== undefined && { encryptionCertificate: normalizeEncryptionFacts(b.encryptionCertificate) }),
    isAdmin,
    permissions,
    boundAt,
    boundBy: checkId(b.boundBy, 'boundBy'),
    updatedAt: new Date(boundAt.getTime()),
  };
}

/** The complete event an append stores, defaults applied; `details` goes through JSON as it will be stored. */
export function normalizeNewEvent(e: NewAuditEvent, now: Date): AuditEvent {
  if (typeof e !== 'object' || e === null) throw invalid('audit event must be an object');
  if (typeof e.type !== 'string' || e.type.length === 0 || e.type.length > 64) {
    throw invalid('audit event type must be a non-empty string of at most 64 characters');
  }
  storable(e.type, 'audit event type');
  // Built in place (every login appends one): the optional fields are added only when given.
  const event: { -readonly [K in keyof AuditEvent]: AuditEvent[K] } = {
    id: e.id === undefined ? timeOrderedId() : checkId(e.id, 'id'),
    at: e.at === undefined ? new Date(now.getTime()) : checkDate(e.at, 'at'),
    type: e.type,
    actorAccountId: checkId(e.actorAccountId, 'actorAccountId'),
  };
  if (e.targetAccountId !== undefined) event.targetAccountId = checkId(e.targetAccountId, 'targetAccountId');
  if (e.bindingId !== undefined) event.bindingId = checkId(e.bindingId, 'bindingId');
  if (e.certificate !== undefined) {
    if (typeof e.certificate !== 'object' || e.certificate === null) throw invalid('certificate must be an object');
    event.certificate = {
      serialNumber: checkId(e.certificate.serialNumber, 'certificate.serialNumber'),
      sha256: checkId(e.certificate.sha256, 'certificate.sha256'),
    };
  }
  if (e.previousSerial !== undefined) event.previousSerial = checkId(e.previousSerial, 'previousSerial');
  if (e.details !== undefined) {
    if (typeof e.details !== 'object' || e.details === null || Array.isArray(e.details)) {
      throw invalid('details must be a plain object');
    }
    event.details = roundTripJson(e.details);
  }
  return event;
}

/** `value` as it comes back from JSON storage; rejects what JSON cannot hold. */
export function roundTripJson(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'details must be JSON-serialisable' }, { cause: err });
  }
  if (text.length > 65_536) throw invalid('details must be at most 64 KiB as JSON');
  // Keys and string values alike: PostgreSQL's jsonb refuses \u0000 and unpaired surrogate escapes.
  return JSON.parse(text, (key: string, v: unknown) => {
    storable(key, 'details (a key)');
    if (typeof v === 'string') storable(v, 'details (a value)');
    return v;
  }) as Record<string, unknown>;
}

/** A page size between 1 and `max` ({@link MAX_PAGE_SIZE} unless given). */
export function checkLimit(limit: unknown, max: number = MAX_PAGE_SIZE): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > max) {
    throw invalid(`limit must be an integer from 1 to ${max}`);
  }
  return limit;
}

/** The checked arguments of `BindingStore.updateIdentityKey`. */
export function checkIdentityMove(id: unknown, fromKey: unknown, toKey: unknown): { id: string; fromKey: string; toKey: string } {
  return { id: checkId(id, 'id'), fromKey: checkId(fromKey, 'fromKey'), toKey: checkId(toKey, 'toKey') };
}

/** A checked identity-prefix lookup: a scope, a non-empty prefix and a limit of 1 to {@link MAX_PREFIX_MATCHES}. */
export function checkPrefixQuery(scope: unknown, prefix: unknown, limit: unknown): { scope: string; prefix: string; limit: number } {
  return { scope: checkId(scope, 'scope'), prefix: checkId(prefix, 'prefix'), limit: checkLimit(limit, MAX_PREFIX_MATCHES) };
}

/**
 * The bounds of an index range scan that finds exactly the keys starting with `prefix`, in UTF-8 byte
 * order (SQLite's BINARY collation, PostgreSQL's "C"): `key >= lower AND key < upper`, or only
 * `key >= lower` when `upper` is `null` (a prefix of nothing but U+10FFFF: every greater key starts
 * with it). `upper` is `lower` with its last code point incremented, dropping trailing U+10FFFF. Lone
 * surrogates become U+FFFD first, as the drivers store them. Unlike LIKE, nothing is a wildcard and
 * case matters; unlike `length()`, a NUL character counts.
 */
export function prefixRange(prefix: string): { lower: string; upper: string | null } {
  const lower = prefix.replace(/\p{Surrogate}/gu, '\ufffd');
  const points = Array.from(lower, (ch) => ch.codePointAt(0) as number);
  while (points.length > 0) {
    const last = points.pop() as number;
    if (last < 0x10ffff) {
      // U+D800..U+DFFF cannot be encoded: after U+D7FF comes U+E000.
      return { lower, upper: String.fromCodePoint(...points, last === 0xd7ff ? 0xe000 : last + 1) };
    }
  }
  return { lower, upper: null };
}

/** A checked expiring-bindings query with the cursor decoded. */
export interface ExpiringScan {
  /** Exclusive upper bound, ms. */
  readonly beforeMs: number;
  /** Inclusive lower bound, ms (or -Infinity). */
  readonly afterMs: number;
  /** Resume strictly after this (notAfter ms, id), if any. */
  readonly from: { readonly ms: number; readonly id: string } | null;
  /** Page size. */
  readonly limit: number;
}

/** Checks an expiring query and decodes its cursor. */
export function checkExpiringQuery(q: ExpiringQuery): ExpiringScan {
  if (typeof q !== 'object' || q === null) throw invalid('query must be an object');
  const beforeMs = checkDate(q.before, 'before').getTime();
  const afterMs = q.after === undefined ? -Infinity : checkDate(q.after, 'after').getTime();
  let from: ExpiringScan['from'] = null;
  if (q.cursor !== undefined && q.cursor !== null) {
    const parts = decodeCursor(q.cursor, 'e');
    const [ms, id] = parts;
    if (parts.length !== 2 || typeof ms !== 'number' || !Number.isFinite(ms) || typeof id !== 'string' || !isStorableText(id)) {
      throw badCursor();
    }
    from = { ms, id };
  }
  return { beforeMs, afterMs, from, limit: checkLimit(q.limit) };
}

/** The cursor that resumes after this binding. */
export function expiringCursor(b: Binding): string {
  return encodeCursor('e', [b.certificate.notAfter.getTime(), b.id]);
}

/** A checked audit query with the cursor decoded to the sequence number to continue below. */
export interface AuditScan {
  /** Actor-or-target filter. */
  readonly accountId: string | null;
  /** Binding filter. */
  readonly bindingId: string | null;
  /** Return only events with a smaller sequence number, if set. */
  readonly belowSeq: number | null;
  /** Page size. */
  readonly limit: number;
}

/** Checks an audit query and decodes its cursor. */
export function checkAuditQuery(q: AuditQuery): AuditScan {
  if (typeof q !== 'object' || q === null) throw invalid('query must be an object');
  let belowSeq: number | null = null;
  if (q.cursor !== undefined && q.cursor !== null) {
    const [seq, ...rest] = decodeCursor(q.cursor, 'a');
    if (rest.length !== 0 || typeof seq !== 'number' || !Number.isSafeInteger(seq)) throw badCursor();
    belowSeq = seq;
  }
  return {
    accountId: q.accountId === undefined ? null : checkId(q.accountId, 'accountId'),
    bindingId: q.bindingId === undefined ? null : checkId(q.bindingId, 'bindingId'),
    belowSeq,
    limit: checkLimit(q.limit),
  };
}

/** The cursor that continues after the event with this sequence number. */
export function auditCursor(seq: number): string {
  return encodeCursor('a', [seq]);
}

function encodeCursor(kind: string, parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([kind, ...parts]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: unknown, kind: string): unknown[] {
  if (typeof cursor !== 'string' || cursor.length > 2 * MAX_TEXT) throw badCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parsed) || parsed[0] !== kind) throw badCursor();
  return parsed.slice(1) as unknown[];
}

function badCursor(): YizhengError {
  return invalid('cursor is not one this listing returned');
}

/** The error for an identity that is already bound, naming the binding that holds it. */
export function alreadyBound(existing: Binding): YizhengError {
  return new YizhengError('ALREADY_BOUND', {
    accountId: existing.accountId,
    bindingId: existing.id,
    scope: existing.scope,
    identityKey: existing.identityKey,
    serialNumber: existing.certificate.serialNumber,
  });
}

/** The error for an update whose expected serial no longer matches. */
export function bindingChanged(bindingId: string, expectedSerial: string, actualSerial: string): YizhengError {
  return new YizhengError('BINDING_CHANGED', { bindingId, expectedSerial, actualSerial });
}

/** The error for an id that is already used by another record. */
export function duplicateId(what: 'binding' | 'audit event', id: string): YizhengError {
  return invalid(`a ${what} with id ${id} already exists`);
}

/** Order of (notAfter, id) keys in memory; the SQL adapters use binary collation, which agrees for ids without astral characters. */
export function compareExpiryKey(aMs: number, aId: string, bMs: number, bId: string): number {
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}
