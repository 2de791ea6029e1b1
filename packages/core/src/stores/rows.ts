/**
 * What the SQL adapters share: the binding column list, the values they write for a binding, its
 * certificate facts and an audit event, and the reading of rows back into records and pages. Each
 * adapter keeps its own SQL and says how its driver represents times, flags, lists and JSON.
 */
import { YizhengError } from '../errors/index';
import type { AuditEvent, Binding, CertificateFacts, ChallengePurpose, Page, PendingChallenge } from './types';
import { auditCursor, expiringCursor } from './validate';

/** A result row, keyed by column name. */
export type Row = Readonly<Record<string, unknown>>;

/** The columns of yizheng_bindings, in the order {@link bindingValues} writes them. */
export const BINDING_COLUMNS =
  'id, scope, identity_key, provider_id, account_id, organization_id, enterprise_code, entity_name, serial_number, sha256, subject_dn, issuer_dn, not_before, not_after, key_id, is_admin, permissions, bound_at, bound_by, updated_at, ' +
  'enc_serial_number, enc_sha256, enc_subject_dn, enc_issuer_dn, enc_not_before, enc_not_after';

/** How many columns {@link BINDING_COLUMNS} lists (and {@link bindingValues} writes). */
export const BINDING_COLUMN_COUNT = 26;

/** The encryption certificate's columns (migration step 3), in {@link BINDING_COLUMNS} order. */
export const ENCRYPTION_COLUMNS = ['enc_serial_number', 'enc_sha256', 'enc_subject_dn', 'enc_issuer_dn', 'enc_not_before', 'enc_not_after'] as const;

/** How an adapter writes a timestamp, the admin flag and the permission list. */
export interface ValueEncoding<V> {
  /** A timestamp column. */
  time(value: Date): V;
  /** The admin flag. */
  flag(value: boolean): V;
  /** The permission list. */
  list(value: readonly string[]): V;
}

/** The certificate columns, serial_number through key_id, in {@link BINDING_COLUMNS} order. */
export function factsValues<V>(f: CertificateFacts, time: (value: Date) => V): (string | null | V)[] {
  return [f.serialNumber, f.sha256, f.subjectDn, f.issuerDn, time(f.notBefore), time(f.notAfter), f.keyId ?? null];
}

/**
 * The encryption certificate's columns, enc_serial_number through enc_not_after: all NULL when the
 * binding holds none.
 */
export function encryptionValues<V>(f: CertificateFacts | undefined, time: (value: Date) => V): (string | null | V)[] {
  if (f === undefined) return [null, null, null, null, null, null];
  return [f.serialNumber, f.sha256, f.subjectDn, f.issuerDn, time(f.notBefore), time(f.notAfter)];
}

/** Every column of a binding, in {@link BINDING_COLUMNS} order. */
export function bindingValues<V>(b: Binding, encode: ValueEncoding<V>): (string | null | V)[] {
  return [
    b.id,
    b.scope,
    b.identityKey,
    b.providerId,
    b.accountId,
    b.organizationId,
    b.enterpriseCode,
    b.entityName,
    ...factsValues(b.certificate, encode.time),
    encode.flag(b.isAdmin),
    encode.list(b.permissions),
    encode.time(b.boundAt),
    b.boundBy,
    encode.time(b.updatedAt),
    ...encryptionValues(b.encryptionCertificate, encode.time),
  ];
}

/**
 * An audit event's columns: id, at, type, actor_account_id, target_account_id, binding_id,
 * cert_serial, cert_sha256, previous_serial, details (JSON text).
 */
export function eventValues<V>(e: AuditEvent, time: (value: Date) => V): (string | null | V)[] {
  return [
    e.id,
    time(e.at),
    e.type,
    e.actorAccountId,
    e.targetAccountId ?? null,
    e.bindingId ?? null,
    e.certificate?.serialNumber ?? null,
    e.certificate?.sha256 ?? null,
    e.previousSerial ?? null,
    e.details === undefined ? null : JSON.stringify(e.details),
  ];
}

/**
 * Reads one database's rows back into records. The text columns read the same everywhere; a
 * subclass says how its driver returns times, integers, the admin flag, the permission list and
 * the details JSON. A value the schema does not allow is an INTERNAL_ERROR naming the column.
 */
export abstract class RowReader {
  readonly #database: string;

  /** `database` names the database in the error for an unexpected value. */
  constructor(database: string) {
    this.#database = database;
  }

  /** The error for a value the schema does not allow. */
  corrupt(column: string): YizhengError {
    return new YizhengError('INTERNAL_ERROR', { reason: `unexpected value in ${this.#database} column ${column}` });
  }

  /** A NOT NULL text column. */
  str(row: Row, column: string): string {
    const v = row[column];
    if (typeof v !== 'string') throw this.corrupt(column);
    return v;
  }

  /** A nullable text column; NULL reads as undefined. */
  optStr(row: Row, column: string): string | undefined {
    const v = row[column];
    if (v === null || v === undefined) return undefined;
    if (typeof v !== 'string') throw this.corrupt(column);
    return v;
  }

  /** A timestamp column. */
  abstract date(row: Row, column: string): Date;
  /** An integer column (a sequence number, a schema version). */
  abstract int(row: Row, column: string): number;
  /** The admin flag. */
  abstract flag(row: Row, column: string): boolean;
  /** The permission list, as a fresh array. */
  abstract strings(row: Row, column: string): string[];
  /** A nullable JSON object column; NULL reads as undefined. */
  abstract object(row: Row, column: string): Record<string, unknown> | undefined;

  /** A yizheng_bindings row (all of {@link BINDING_COLUMNS}). */
  binding(row: Row): Binding {
    const keyId = this.optStr(row, 'key_id');
    const serialNumber = this.str(row, 'serial_number');
    const sha256 = this.str(row, 'sha256');
    const subjectDn = this.str(row, 'subject_dn');
    const issuerDn = this.str(row, 'issuer_dn');
    const notBefore = this.date(row, 'not_before');
    const notAfter = this.date(row, 'not_after');
    const encryptionCertificate = this.encryptionFacts(row);
    return {
      id: this.str(row, 'id'),
      scope: this.str(row, 'scope'),
      identityKey: this.str(row, 'identity_key'),
      providerId: this.str(row, 'provider_id'),
      accountId: this.str(row, 'account_id'),
      organizationId: this.str(row, 'organization_id'),
      enterpriseCode: this.str(row, 'enterprise_code'),
      entityName: this.str(row, 'entity_name'),
      certificate:
        keyId === undefined
          ? { serialNumber, sha256, subjectDn, issuerDn, notBefore, notAfter }
          : { serialNumber, sha256, subjectDn, issuerDn, notBefore, notAfter, keyId },
      ...(encryptionCertificate !== undefined && { encryptionCertificate }),
      isAdmin: this.flag(row, 'is_admin'),
      permissions: this.strings(row, 'permissions'),
      boundAt: this.date(row, 'bound_at'),
      boundBy: this.str(row, 'bound_by'),
      updatedAt: this.date(row, 'updated_at'),
    };
  }

  /** The encryption certificate's facts of a yizheng_bindings row; undefined when its columns are NULL. */
  encryptionFacts(row: Row): CertificateFacts | undefined {
    const sha256 = this.optStr(row, 'enc_sha256');
    if (sha256 === undefined) return undefined;
    return {
      serialNumber: this.str(row, 'enc_serial_number'),
      sha256,
      subjectDn: this.str(row, 'enc_subject_dn'),
      issuerDn: this.str(row, 'enc_issuer_dn'),
      notBefore: this.date(row, 'enc_not_before'),
      notAfter: this.date(row, 'enc_not_after'),
    };
  }

  /** A yizheng_challenges row. */
  challenge(row: Row): PendingChallenge {
    return {
      sessionId: this.str(row, 'session_id'),
      purpose: this.str(row, 'purpose') as ChallengePurpose,
      nonce: this.str(row, 'nonce'),
      origin: this.str(row, 'origin'),
      issuedAt: this.date(row, 'issued_at'),
      expiresAt: this.date(row, 'expires_at'),
    };
  }

  /** A yizheng_audit row. */
  event(row: Row): AuditEvent {
    let e: AuditEvent = {
      id: this.str(row, 'id'),
      at: this.date(row, 'at'),
      type: this.str(row, 'type'),
      actorAccountId: this.str(row, 'actor_account_id'),
    };
    const target = this.optStr(row, 'target_account_id');
    const bindingId = this.optStr(row, 'binding_id');
    const serial = this.optStr(row, 'cert_serial');
    const sha256 = this.optStr(row, 'cert_sha256');
    const previous = this.optStr(row, 'previous_serial');
    const details = this.object(row, 'details');
    if (target !== undefined) e = { ...e, targetAccountId: target };
    if (bindingId !== undefined) e = { ...e, bindingId };
    if (serial !== undefined && sha256 !== undefined) e = { ...e, certificate: { serialNumber: serial, sha256 } };
    if (previous !== undefined) e = { ...e, previousSerial: previous };
    if (details !== undefined) e = { ...e, details };
    return e;
  }

  /** A page of bindings from rows fetched with `LIMIT limit + 1` (the extra row says there is more). */
  expiringPage(rows: readonly Row[], limit: number): Page<Binding> {
    const items = rows.slice(0, limit).map((row) => this.binding(row));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last !== undefined ? expiringCursor(last) : null };
  }

  /** A page of audit events from rows fetched with `LIMIT limit + 1`, newest first. */
  auditPage(rows: readonly Row[], limit: number): Page<AuditEvent> {
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => this.event(row)),
      nextCursor: rows.length > limit && last !== undefined ? auditCursor(this.int(last, 'seq')) : null,
    };
  }
}
