/**
 * The MySQL / MariaDB adapter, through `mysql2` (its promise API, or any pool with the same
 * `query`/`getConnection` shape).
 *
 * Texts are `TEXT` in utf8mb4 with a binary, no-pad collation (`utf8mb4_nopad_bin` on MariaDB,
 * `utf8mb4_0900_bin` on MySQL 8), so comparisons are exact: case, trailing spaces and characters beyond
 * the BMP all count. Ids and identity keys may be 4,096 characters, longer than an index may be, so
 * uniqueness rests on stored generated SHA-256 columns with unique indexes: one binding per
 * (scope, identity key), whichever connection or process binds, the loser getting `ALREADY_BOUND`.
 * Times are `DATETIME(3)` in UTC, written and read as text so that neither the pool's nor the
 * session's time zone can shift them. A call that reads what it changes (consume, delete, updates,
 * state changes) runs as a short transaction that locks the row first (`SELECT ... FOR UPDATE`), as
 * MySQL has no `RETURNING`; a single-use challenge is consumed by a `DELETE` whose affected-row count
 * decides the one winner. Transactions run at READ COMMITTED.
 */
import { createHash } from 'node:crypto';
import { YizhengError } from '../errors/index';
import { MysqlEnvelopes, MysqlOrders } from './mysql-renewal';
import { BINDING_COLUMN_COUNT, BINDING_COLUMNS, bindingValues, encryptionValues, eventValues, factsValues, RowReader, type Row, type ValueEncoding } from './rows';
import { Gate, TxScope, guarded } from './unit-of-work';
import type {
  AuditEvent,
  AuditLog,
  AuditQuery,
  Binding,
  BindingPermissions,
  BindingStore,
  CertificateFacts,
  ChallengePurpose,
  ChallengeStore,
  ExpiringQuery,
  NewAuditEvent,
  NewBinding,
  Page,
  PendingChallenge,
  RenewalStores,
  RenewalStoreSet,
  StoreOptions,
} from './types';
import {
  alreadyBound,
  bindingChanged,
  checkAuditQuery,
  checkDate,
  checkExpiringQuery,
  checkId,
  checkIdentityMove,
  checkPrefixQuery,
  checkPurpose,
  duplicateId,
  normalizeChallenge,
  normalizeEncryptionFacts,
  normalizeFacts,
  normalizeNewBinding,
  normalizeNewEvent,
  normalizePermissions,
} from './validate';

/** What `query` takes: the SQL with `?` placeholders, their values, and how to return times. */
export interface MysqlQueryOptions {
  /** The statement, with `?` for each value. */
  readonly sql: string;
  /** The values for the placeholders. */
  readonly values?: unknown[];
  /** Return DATETIME values as text (the adapter always asks for this). */
  readonly dateStrings?: boolean;
}

/** Something that runs a statement: a `mysql2/promise` Pool or PoolConnection. */
export interface MysqlQueryable {
  /** Runs a statement; resolves to `[rows or result header, fields]` as `mysql2/promise` does. */
  query(options: MysqlQueryOptions): Promise<[unknown, unknown]>;
}

/** A connection checked out of a pool (`mysql2/promise` PoolConnection). */
export interface MysqlPoolConnection extends MysqlQueryable {
  /** Returns the connection to the pool. */
  release(): void;
  /** Closes the connection instead of returning it (after a failed rollback). */
  destroy(): void;
}

/** A connection pool (`mysql2/promise` Pool). */
export interface MysqlPool extends MysqlQueryable {
  /** Checks a connection out for a transaction. */
  getConnection(): Promise<MysqlPoolConnection>;
  /** Closes every connection. */
  end(): Promise<void>;
}

/** Options for {@link createMysqlStores}: a connection URI (a pool is made) or your own pool. */
export type MysqlStoreOptions = StoreOptions & {
  /**
   * Database (schema) for the tables, created by `migrate()` when missing (utf8mb4); without it,
   * tables are unqualified and the connection's current database decides. Letters, digits and `_` only.
   */
  readonly database?: string;
} & (
    | {
        /** `mysql://user:password@host:port/database`. */
        readonly uri: string;
        /** Connections in the pool made from the URI (default 10). */
        readonly poolSize?: number;
      }
    | {
        /**
         * A pool you own (`mysql2/promise`): `close()` leaves it open. Its connections should use a
         * utf8mb4 character set (mysql2's default) and must not run with `NO_BACKSLASH_ESCAPES`.
         */
        readonly pool: MysqlPool;
      }
  );

const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * The schema, one step per version: each step a list of statements. `{s}` stands for the database
 * prefix (empty or `` `name`. ``), `{c}` for the binary no-pad utf8mb4 collation of the server.
 */
export const MYSQL_MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly statements: readonly string[] }[] = [
  {
    version: 1,
    name: 'challenges, bindings, audit, sealed envelopes, service orders',
    statements: [
      `CREATE TABLE IF NOT EXISTS {s}yizheng_challenges (
  pk           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  session_id   TEXT NOT NULL,
  purpose      VARCHAR(8) NOT NULL CHECK (purpose IN ('login', 'bind')),
  nonce        VARCHAR(64) NOT NULL,
  origin       TEXT NOT NULL,
  issued_at    DATETIME(3) NOT NULL,
  expires_at   DATETIME(3) NOT NULL,
  session_hash BINARY(32) AS (UNHEX(SHA2(session_id, 256))) STORED,
  UNIQUE KEY yizheng_challenges_session (session_hash, purpose),
  KEY yizheng_challenges_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={c}`,
      `CREATE TABLE IF NOT EXISTS {s}yizheng_bindings (
  pk                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id                TEXT NOT NULL,
  scope             TEXT NOT NULL,
  identity_key      TEXT NOT NULL,
  provider_id       TEXT NOT NULL,
  account_id        TEXT NOT NULL,
  organization_id   TEXT NOT NULL,
  enterprise_code   TEXT NOT NULL,
  entity_name       TEXT NOT NULL,
  serial_number     TEXT NOT NULL,
  sha256            TEXT NOT NULL,
  subject_dn        TEXT NOT NULL,
  issuer_dn         TEXT NOT NULL,
  not_before        DATETIME(3) NOT NULL,
  not_after         DATETIME(3) NOT NULL,
  key_id            TEXT,
  is_admin          BOOLEAN NOT NULL,
  permissions       JSON NOT NULL,
  bound_at          DATETIME(3) NOT NULL,
  bound_by          TEXT NOT NULL,
  updated_at        DATETIME(3) NOT NULL,
  enc_serial_number TEXT,
  enc_sha256        TEXT,
  enc_subject_dn    TEXT,
  enc_issuer_dn     TEXT,
  enc_not_before    DATETIME(3),
  enc_not_after     DATETIME(3),
  id_hash           BINARY(32) AS (UNHEX(SHA2(id, 256))) STORED,
  identity_hash     BINARY(32) AS (UNHEX(SHA2(CONCAT(CHAR_LENGTH(scope), ':', scope, identity_key), 256))) STORED,
  UNIQUE KEY yizheng_bindings_id (id_hash),
  UNIQUE KEY yizheng_bindings_identity (identity_hash),
  KEY yizheng_bindings_account (account_id(191), bound_at),
  KEY yizheng_bindings_organization (organization_id(191), bound_at),
  KEY yizheng_bindings_expiry (not_after, id(191)),
  KEY yizheng_bindings_prefix (scope(64), identity_key(255))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={c}`,
      `CREATE TABLE IF NOT EXISTS {s}yizheng_audit (
  seq               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id                TEXT NOT NULL,
  at                DATETIME(3) NOT NULL,
  type              VARCHAR(64) NOT NULL,
  actor_account_id  TEXT NOT NULL,
  target_account_id TEXT,
  binding_id        TEXT,
  cert_serial       TEXT,
  cert_sha256       TEXT,
  previous_serial   TEXT,
  details           JSON,
  id_hash           BINARY(32) AS (UNHEX(SHA2(id, 256))) STORED,
  UNIQUE KEY yizheng_audit_id (id_hash),
  KEY yizheng_audit_actor (actor_account_id(191), seq),
  KEY yizheng_audit_target (target_account_id(191), seq),
  KEY yizheng_audit_binding (binding_id(191), seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={c}`,
      `CREATE TABLE IF NOT EXISTS {s}yizheng_sealed_envelopes (
  pk                    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id                    TEXT NOT NULL,
  project_id            TEXT NOT NULL,
  bid_id                TEXT NOT NULL,
  account_id            TEXT NOT NULL,
  organization_id       TEXT NOT NULL,
  recipient_sha256      TEXT NOT NULL,
  recipient_serial      TEXT NOT NULL,
  recipient_issuer_dn   TEXT NOT NULL,
  recipient_provider_id TEXT,
  sealed_at             DATETIME(3) NOT NULL,
  opens_at              DATETIME(3) NOT NULL,
  status                VARCHAR(16) NOT NULL CHECK (status IN ('sealed', 'opened', 'withdrawn')),
  opened_at             DATETIME(3),
  withdrawn_at          DATETIME(3),
  id_hash               BINARY(32) AS (UNHEX(SHA2(id, 256))) STORED,
  UNIQUE KEY yizheng_sealed_envelopes_id (id_hash),
  KEY yizheng_sealed_envelopes_recipient (recipient_sha256(128), status, opens_at),
  KEY yizheng_sealed_envelopes_account (account_id(191), sealed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={c}`,
      `CREATE TABLE IF NOT EXISTS {s}yizheng_service_orders (
  pk              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id              TEXT NOT NULL,
  kind            VARCHAR(16) NOT NULL CHECK (kind IN ('issue', 'renewal', 'repair', 'freeze')),
  state           VARCHAR(16) NOT NULL,
  account_id      TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  provider_id     TEXT,
  cert_serial     TEXT,
  cert_sha256     TEXT,
  reference       TEXT,
  created_at      DATETIME(3) NOT NULL,
  updated_at      DATETIME(3) NOT NULL,
  id_hash         BINARY(32) AS (UNHEX(SHA2(id, 256))) STORED,
  UNIQUE KEY yizheng_service_orders_id (id_hash),
  KEY yizheng_service_orders_account (account_id(191), created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={c}`,
    ],
  },
];

const MIN_MS = Date.UTC(1000, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A Date as DATETIME(3) text in UTC; DATETIME holds the years 1000 to 9999 only. */
export function mysqlTime(value: Date): string {
  const ms = value.getTime();
  if (!(ms >= MIN_MS && ms <= MAX_MS)) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'MySQL/MariaDB store times between the years 1000 and 9999 only' });
  }
  return value.toISOString().slice(0, 23).replace('T', ' ');
}

/** SHA-256 of the UTF-8 text: what the generated `*_hash` columns hold. */
export function mysqlHash(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** What `identity_hash` holds for a scope and identity key (the length makes the pair unambiguous). */
function identityHash(scope: string, identityKey: string): Buffer {
  return mysqlHash(`${Array.from(scope).length}:${scope}${identityKey}`);
}

/** MySQL's and MariaDB's values as mysql2 returns them: times as text, flags as 0/1, JSON as text or parsed. */
class MysqlRows extends RowReader {
  constructor() {
    super('MySQL');
  }

  date(row: Row, column: string): Date {
    const v = row[column];
    const d = v instanceof Date ? new Date(v.getTime()) : typeof v === 'string' ? new Date(`${v.replace(' ', 'T')}Z`) : null;
    if (d === null || Number.isNaN(d.getTime())) throw this.corrupt(column);
    return d;
  }

  int(row: Row, column: string): number {
    const v = row[column];
    const n = typeof v === 'string' || typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw this.corrupt(column);
    return n;
  }

  flag(row: Row, column: string): boolean {
    const v = row[column];
    if (v === 1 || v === true || v === '1') return true;
    if (v === 0 || v === false || v === '0') return false;
    throw this.corrupt(column);
  }

  strings(row: Row, column: string): string[] {
    let v = row[column];
    if (typeof v === 'string') v = JSON.parse(v) as unknown;
    if (!Array.isArray(v) || !v.every((p) => typeof p === 'string')) throw this.corrupt(column);
    return [...(v as string[])];
  }

  object(row: Row, column: string): Record<string, unknown> | undefined {
    const v = row[column];
    if (typeof v === 'string') return JSON.parse(v) as Record<string, unknown>;
    if (typeof v === 'object' && v !== null) return v as Record<string, unknown>;
    return undefined;
  }
}

const reader = new MysqlRows();

/** mysql2 takes times as UTC text, the flag as 0/1 and the list as JSON text. */
const MYSQL_VALUES: ValueEncoding<string | number> = {
  time: mysqlTime,
  flag: (v) => (v ? 1 : 0),
  list: (v) => JSON.stringify(v),
};

/** Table names, qualified with the database when there is one. */
export interface MysqlTables {
  /** Pending challenges. */
  readonly challenges: string;
  /** Bindings. */
  readonly bindings: string;
  /** Audit events. */
  readonly audit: string;
  /** Sealed envelopes. */
  readonly envelopes: string;
  /** Service orders. */
  readonly orders: string;
  /** Applied schema versions. */
  readonly migrations: string;
}

/**
 * Where statements run: the pool (outside a transaction) or the transaction's connection. `atomic`
 * runs `fn` as one short transaction (already inside one: as part of it).
 */
export interface MysqlDb {
  /** Rows of a SELECT. */
  rows(sql: string, values?: unknown[]): Promise<readonly Row[]>;
  /** Runs a write; resolves to the number of affected rows. */
  run(sql: string, values?: unknown[]): Promise<number>;
  /** Runs `fn` as one transaction. */
  atomic<T>(fn: (db: MysqlDb) => Promise<T>): Promise<T>;
}

/** The server error number of a mysql2 error. */
function errno(err: unknown): number | undefined {
  const n = typeof err === 'object' && err !== null ? (err as { errno?: unknown }).errno : undefined;
  return typeof n === 'number' ? n : undefined;
}

/** ER_DUP_ENTRY: a unique index refused the row. */
export function isDuplicateKey(err: unknown): boolean {
  return errno(err) === 1062;
}

/** ER_LOCK_DEADLOCK: InnoDB rolled the transaction back to break a deadlock; it may be retried. */
function isDeadlock(err: unknown): boolean {
  return errno(err) === 1213;
}

async function exec(on: MysqlQueryable, sql: string, values?: unknown[]): Promise<unknown> {
  const [result] = await on.query(values === undefined ? { sql, dateStrings: true } : { sql, values, dateStrings: true });
  return result;
}

function affected(result: unknown): number {
  const n = typeof result === 'object' && result !== null ? (result as { affectedRows?: unknown }).affectedRows : undefined;
  if (typeof n !== 'number') throw new YizhengError('INTERNAL_ERROR', { reason: 'MySQL returned no affected-row count for a write' });
  return n;
}

function asRows(result: unknown): readonly Row[] {
  if (!Array.isArray(result)) throw new YizhengError('INTERNAL_ERROR', { reason: 'MySQL returned no rows for a query' });
  return result as Row[];
}

/** Statements on one connection that is already inside a transaction. */
function connectionDb(conn: MysqlQueryable): MysqlDb {
  const db: MysqlDb = {
    rows: async (sql, values) => asRows(await exec(conn, sql, values)),
    run: async (sql, values) => affected(await exec(conn, sql, values)),
    atomic: (fn) => fn(db),
  };
  return db;
}

/** Begins a READ COMMITTED transaction on `conn`. */
async function begin(conn: MysqlQueryable): Promise<void> {
  await exec(conn, 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
  await exec(conn, 'START TRANSACTION');
}

/** Runs `fn` on a connection of the pool, rolling back (or, failing that, destroying it) on error. */
async function withConnection<T>(pool: MysqlPool, fn: (conn: MysqlPoolConnection) => Promise<T>): Promise<T> {
  const conn = await pool.getConnection();
  let broken = false;
  try {
    return await fn(conn);
  } catch (err) {
    try {
      await exec(conn, 'ROLLBACK');
    } catch {
      broken = true;
    }
    throw err;
  } finally {
    if (broken) conn.destroy();
    else conn.release();
  }
}

/** Retries `fn` when InnoDB chose it as a deadlock victim (only outside a caller's transaction). */
async function retryDeadlocks<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isDeadlock(err) || attempt >= 4) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
    }
  }
}

/** Statements on the pool: each on its own, `atomic` on one connection in a short transaction. */
function poolDb(getPool: () => Promise<MysqlPool>): MysqlDb {
  return {
    rows: async (sql, values) => {
      const pool = await getPool();
      return retryDeadlocks(async () => asRows(await exec(pool, sql, values)));
    },
    run: async (sql, values) => {
      const pool = await getPool();
      return retryDeadlocks(async () => affected(await exec(pool, sql, values)));
    },
    atomic: async (fn) => {
      const pool = await getPool();
      return retryDeadlocks(() =>
        withConnection(pool, async (conn) => {
          await begin(conn);
          const result = await fn(connectionDb(conn));
          await exec(conn, 'COMMIT');
          return result;
        }),
      );
    },
  };
}

class MysqlChallenges implements ChallengeStore {
  readonly #db: MysqlDb;
  readonly #t: MysqlTables;

  constructor(db: MysqlDb, t: MysqlTables) {
    this.#db = db;
    this.#t = t;
  }

  async put(challenge: PendingChallenge): Promise<void> {
    const c = normalizeChallenge(challenge);
    const issued = mysqlTime(c.issuedAt);
    const expires = mysqlTime(c.expiresAt);
    await this.#db.run(
      `INSERT INTO ${this.#t.challenges} (session_id, purpose, nonce, origin, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE nonce = ?, origin = ?, issued_at = ?, expires_at = ?`,
      [c.sessionId, c.purpose, c.nonce, c.origin, issued, expires, c.nonce, c.origin, issued, expires],
    );
  }

  async consume(sessionId: string, purpose: ChallengePurpose): Promise<PendingChallenge | null> {
    const id = checkId(sessionId, 'sessionId');
    const p = checkPurpose(purpose);
    const hash = mysqlHash(id);
    const row = (
      await this.#db.rows(`SELECT * FROM ${this.#t.challenges} WHERE session_hash = ? AND purpose = ? AND session_id = ?`, [hash, p, id])
    )[0];
    if (row === undefined) return null;
    // Of concurrent consumers (on any connection) exactly one deletes the row; the others, and a
    // consumer whose challenge was replaced meanwhile, delete nothing and get null.
    const deleted = await this.#db.run(`DELETE FROM ${this.#t.challenges} WHERE session_hash = ? AND purpose = ? AND nonce = ?`, [
      hash,
      p,
      reader.str(row, 'nonce'),
    ]);
    return deleted === 1 ? reader.challenge(row) : null;
  }

  async purgeExpired(now: Date): Promise<number> {
    return this.#db.run(`DELETE FROM ${this.#t.challenges} WHERE expires_at <= ?`, [mysqlTime(checkDate(now, 'now'))]);
  }
}

const PLACEHOLDERS = Array.from({ length: BINDING_COLUMN_COUNT }, () => '?').join(', ');

class MysqlBindings implements BindingStore {
  readonly #db: MysqlDb;
  readonly #t: MysqlTables;
  readonly #clock: () => Date;

  constructor(db: MysqlDb, t: MysqlTables, clock: () => Date) {
    this.#db = db;
    this.#t = t;
    this.#clock = clock;
  }

  async insert(binding: NewBinding): Promise<Binding> {
    const b = normalizeNewBinding(binding, this.#clock());
    const values = bindingValues(b, MYSQL_VALUES);
    // A concurrent insert of the same identity holds its unique-index entry until it commits or rolls
    // back; this insert waits for it, then fails with ER_DUP_ENTRY (only the statement is rolled back,
    // a surrounding transaction stays usable) or goes through. The holder is then read to name it; if
    // it vanished in between (unbound meanwhile), the insert is simply tried again.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.#db.run(`INSERT INTO ${this.#t.bindings} (${BINDING_COLUMNS}) VALUES (${PLACEHOLDERS})`, values);
        return b;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const holder = await this.findByIdentity(b.scope, b.identityKey);
      if (holder !== null) throw alreadyBound(holder);
      if ((await this.findById(b.id)) !== null) throw duplicateId('binding', b.id);
    }
    throw new YizhengError('INTERNAL_ERROR', { reason: 'binding insert kept conflicting with rows that then vanished' });
  }

  async findByIdentity(scope: string, identityKey: string): Promise<Binding | null> {
    const s = checkId(scope, 'scope');
    const k = checkId(identityKey, 'identityKey');
    const rows = await this.#db.rows(
      `SELECT ${BINDING_COLUMNS} FROM ${this.#t.bindings} WHERE identity_hash = ? AND scope = ? AND identity_key = ?`,
      [identityHash(s, k), s, k],
    );
    const row = rows[0];
    return row === undefined ? null : reader.binding(row);
  }

  async findById(id: string): Promise<Binding | null> {
    return this.#byId(this.#db, checkId(id, 'id'), false);
  }

  async #byId(db: MysqlDb, id: string, lock: boolean): Promise<Binding | null> {
    const rows = await db.rows(`SELECT ${BINDING_COLUMNS} FROM ${this.#t.bindings} WHERE id_hash = ? AND id = ?${lock ? ' FOR UPDATE' : ''}`, [
      mysqlHash(id),
      id,
    ]);
    const row = rows[0];
    return row === undefined ? null : reader.binding(row);
  }

  async listByAccount(accountId: string): Promise<Binding[]> {
    const rows = await this.#db.rows(`SELECT ${BINDING_COLUMNS} FROM ${this.#t.bindings} WHERE account_id = ? ORDER BY bound_at, id`, [
      checkId(accountId, 'accountId'),
    ]);
    return rows.map((row) => reader.binding(row));
  }

  async listByOrganization(organizationId: string): Promise<Binding[]> {
    const rows = await this.#db.rows(`SELECT ${BINDING_COLUMNS} FROM ${this.#t.bindings} WHERE organization_id = ? ORDER BY bound_at, id`, [
      checkId(organizationId, 'organizationId'),
    ]);
    return rows.map((row) => reader.binding(row));
  }

  async updateCertificateFacts(
    id: string,
    facts: CertificateFacts,
    expectedSerial?: string,
    encryptionCertificate?: CertificateFacts,
  ): Promise<Binding | null> {
    checkId(id, 'id');
    const f = normalizeFacts(facts);
    const e = encryptionCertificate === undefined ? undefined : normalizeEncryptionFacts(encryptionCertificate);
    const expected = expectedSerial === undefined ? null : checkId(expectedSerial, 'expectedSerial');
    const values = [...factsValues(f, mysqlTime), mysqlTime(this.#clock()), ...encryptionValues(e, mysqlTime)];
    return this.#db.atomic(async (db) => {
      const current = await this.#byId(db, id, true);
      if (current === null) return null;
      if (expected !== null && current.certificate.serialNumber !== expected) {
        throw bindingChanged(id, expected, current.certificate.serialNumber);
      }
      // Without new encryption facts (all NULL here) the stored ones stay.
      await db.run(
        `UPDATE ${this.#t.bindings} SET serial_number = ?, sha256 = ?, subject_dn = ?, issuer_dn = ?, not_before = ?, not_after = ?,
           key_id = ?, updated_at = ?, enc_serial_number = COALESCE(?, enc_serial_number), enc_sha256 = COALESCE(?, enc_sha256),
           enc_subject_dn = COALESCE(?, enc_subject_dn), enc_issuer_dn = COALESCE(?, enc_issuer_dn),
           enc_not_before = COALESCE(?, enc_not_before), enc_not_after = COALESCE(?, enc_not_after)
         WHERE id_hash = ? AND id = ?`,
        [...values, mysqlHash(id), id],
      );
      return this.#byId(db, id, false);
    });
  }

  async updateIdentityKey(id: string, fromKey: string, toKey: string): Promise<Binding | null> {
    const move = checkIdentityMove(id, fromKey, toKey);
    const updatedAt = mysqlTime(this.#clock());
    // The binding's row is locked first, so concurrent moves queue on it and all but the first find
    // the key changed. The new key's unique index refuses a key another binding holds (waiting for an
    // uncommitted holder to commit); only the statement is rolled back, the transaction stays usable.
    return this.#db.atomic(async (db) => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = await this.#byId(db, move.id, true);
        if (current === null || current.identityKey !== move.fromKey) return null;
        try {
          await db.run(`UPDATE ${this.#t.bindings} SET identity_key = ?, updated_at = ? WHERE id_hash = ? AND id = ?`, [
            move.toKey,
            updatedAt,
            mysqlHash(move.id),
            move.id,
          ]);
          return this.#byId(db, move.id, false);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
        const holder = await this.#holder(db, current.scope, move.toKey);
        if (holder !== null && holder.id !== move.id) throw alreadyBound(holder);
      }
      throw new YizhengError('INTERNAL_ERROR', { reason: 'identity key move kept conflicting with bindings that then vanished' });
    });
  }

  async #holder(db: MysqlDb, scope: string, identityKey: string): Promise<Binding | null> {
    const rows = await db.rows(`SELECT ${BINDING_COLUMNS} FROM ${this.#t.bindings} WHERE identity_hash = ? AND scope = ? AND identity_key = ?`, [
      identityHash(scope, identityKey),
      scope,
      identityKey,
    ]);
    const row = rows[0];
    return row === undefined ? null : reader.binding(row);
  }

  async findByIdentityPrefix(scope: string, prefix: string, limit: number): Promise<Binding[]> {
    const q = checkPrefixQuery(scope, prefix, limit);
    // An exact comparison of the key's first characters (LIKE would take % and _ as wildcards); the
    // binary collation orders by code point, so every match sorts at or after the prefix itself.
    const rows = await this.#db.rows(
      `SELECT ${BINDING_COLUMNS} FROM ${this.#t.bindings}
       WHERE scope = ? AND identity_key >= ? AND LEFT(identity_key, ?) = ?
       ORDER BY bound_at, id LIMIT ?`,
      [q.scope, q.prefix, Array.from(q.prefix).length, q.prefix, q.limit],
    );
    return rows.map((row) => reader.binding(row));
  }

  async setPermissions(id: string, permissions: BindingPermissions): Promise<Binding | null> {
    checkId(id, 'id');
    const p = normalizePermissions(permissions);
    const updatedAt = mysqlTime(this.#clock());
    return this.#db.atomic(async (db) => {
      if ((await this.#byId(db, id, true)) === null) return null;
      await db.run(`UPDATE ${this.#t.bindings} SET is_admin = ?, permissions = ?, updated_at = ? WHERE id_hash = ? AND id = ?`, [
        p.isAdmin ? 1 : 0,
        JSON.stringify(p.permissions),
        updatedAt,
        mysqlHash(id),
        id,
      ]);
      return this.#byId(db, id, false);
    });
  }

  async delete(id: string): Promise<Binding | null> {
    checkId(id, 'id');
    return this.#db.atomic(async (db) => {
      const current = await this.#byId(db, id, true);
      if (current === null) return null;
      await db.run(`DELETE FROM ${this.#t.bindings} WHERE id_hash = ? AND id = ?`, [mysqlHash(id), id]);
      return current;
    });
  }

  async listExpiring(query: ExpiringQuery): Promise<Page<Binding>> {
    const q = checkExpiringQuery(query);
    const where = ['not_after < ?'];
    const values: unknown[] = [mysqlTime(new Date(q.beforeMs))];
    if (Number.isFinite(q.afterMs)) {
      where.push('not_after >= ?');
      values.push(mysqlTime(new Date(q.afterMs)));
    }
    if (q.from !== null) {
      const from = mysqlTime(new Date(q.from.ms));
      where.push('(not_after > ? OR (not_after = ? AND id > ?))');
      values.push(from, from, q.from.id);
    }
    values.push(q.limit + 1);
    const rows = await this.#db.rows(
      `SELECT ${BINDING_COLUMNS} FROM ${this.#t.bindings} WHERE ${where.join(' AND ')} ORDER BY not_after, id LIMIT ?`,
      values,
    );
    return reader.expiringPage(rows, q.limit);
  }
}

class MysqlAudit implements AuditLog {
  readonly #db: MysqlDb;
  readonly #t: MysqlTables;
  readonly #clock: () => Date;

  constructor(db: MysqlDb, t: MysqlTables, clock: () => Date) {
    this.#db = db;
    this.#t = t;
    this.#clock = clock;
  }

  async append(event: NewAuditEvent): Promise<AuditEvent> {
    const e = normalizeNewEvent(event, this.#clock());
    try {
      await this.#db.run(
        `INSERT INTO ${this.#t.audit} (id, at, type, actor_account_id, target_account_id, binding_id, cert_serial, cert_sha256,
           previous_serial, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        eventValues(e, mysqlTime),
      );
    } catch (err) {
      if (isDuplicateKey(err)) throw duplicateId('audit event', e.id);
      throw err;
    }
    return e;
  }

  async list(query: AuditQuery): Promise<Page<AuditEvent>> {
    const q = checkAuditQuery(query);
    const where: string[] = [];
    const values: unknown[] = [];
    if (q.accountId !== null) {
      where.push('(actor_account_id = ? OR target_account_id = ?)');
      values.push(q.accountId, q.accountId);
    }
    if (q.bindingId !== null) {
      where.push('binding_id = ?');
      values.push(q.bindingId);
    }
    if (q.belowSeq !== null) {
      where.push('seq < ?');
      values.push(q.belowSeq);
    }
    values.push(q.limit + 1);
    const rows = await this.#db.rows(
      `SELECT seq, id, at, type, actor_account_id, target_account_id, binding_id, cert_serial, cert_sha256, previous_serial, details
       FROM ${this.#t.audit} ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY seq DESC LIMIT ?`,
      values,
    );
    return reader.auditPage(rows, q.limit);
  }
}

function storeSet(db: MysqlDb, t: MysqlTables, clock: () => Date): RenewalStoreSet {
  return Object.freeze({
    challenges: new MysqlChallenges(db, t),
    bindings: new MysqlBindings(db, t, clock),
    audit: new MysqlAudit(db, t, clock),
    envelopes: new MysqlEnvelopes(db, t.envelopes, reader, clock),
    orders: new MysqlOrders(db, t.orders, reader, clock),
  });
}

async function loadPool(uri: string, connectionLimit: number): Promise<MysqlPool> {
  let mysql: typeof import('mysql2/promise');
  try {
    mysql = await import('mysql2/promise');
  } catch (err) {
    throw new YizhengError(
      'INVALID_ARGUMENT',
      { reason: 'createMysqlStores({ uri }) needs the "mysql2" package: install it, or pass your own pool' },
      { cause: err },
    );
  }
  const pool = mysql.createPool({ uri, connectionLimit, charset: 'utf8mb4_general_ci', timezone: 'Z', dateStrings: true });
  // Every session in UTC (DATETIME values are written and read as UTC text in any case).
  pool.pool.on('connection', (conn) => {
    conn.query("SET time_zone = '+00:00'");
  });
  // An idle connection losing its server must not crash the process: the next query reports it.
  pool.on('error' as 'connection', () => undefined);
  return pool as unknown as MysqlPool;
}

/** The binary, no-pad utf8mb4 collation this server has: MariaDB's or MySQL 8's. */
async function binaryCollation(conn: MysqlQueryable): Promise<string> {
  const rows = asRows(
    await exec(conn, `SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin')`),
  );
  const names = rows.map((r) => r['name']);
  for (const name of ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin']) if (names.includes(name)) return name;
  throw new YizhengError('INVALID_ARGUMENT', {
    reason: 'the server has no binary no-pad utf8mb4 collation: MariaDB 10.2+ or MySQL 8.0+ is needed',
  });
}

/**
 * Stores in MySQL 8 or MariaDB 10.5+. Pass a connection URI (a `mysql2` pool is created, and ended by
 * `close()`) or a `mysql2/promise` pool of your own. Run `await stores.migrate()` once at start-up
 * (it is idempotent and takes a named lock, so several instances may run it at once).
 *
 * @example
 * ```ts
 * const stores = createMysqlStores({ uri: process.env.MYSQL_URL, database: 'yizheng' });
 * await stores.migrate();
 * ```
 */
export function createMysqlStores(options: MysqlStoreOptions): RenewalStores {
  const clock = options.clock ?? (() => new Date());
  const database = options.database;
  if (database !== undefined && !DATABASE_NAME.test(database)) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'database must be letters, digits and _ (at most 64)' });
  }
  const prefix = database === undefined ? '' : `\`${database}\`.`;
  const tables: MysqlTables = {
    challenges: `${prefix}yizheng_challenges`,
    bindings: `${prefix}yizheng_bindings`,
    audit: `${prefix}yizheng_audit`,
    envelopes: `${prefix}yizheng_sealed_envelopes`,
    orders: `${prefix}yizheng_service_orders`,
    migrations: `${prefix}yizheng_schema_migrations`,
  };

  let getPool: () => Promise<MysqlPool>;
  let endPool: () => Promise<void>;
  if ('pool' in options) {
    const { pool } = options;
    getPool = () => Promise.resolve(pool);
    endPool = () => Promise.resolve();
  } else {
    const { uri } = options;
    if (typeof uri !== 'string' || uri.length === 0) {
      throw new YizhengError('INVALID_ARGUMENT', { reason: 'uri or pool is required' });
    }
    const size = options.poolSize ?? 10;
    if (!Number.isInteger(size) || size < 1) {
      throw new YizhengError('INVALID_ARGUMENT', { reason: 'poolSize must be a positive integer' });
    }
    // Made on first use, so creating the stores neither loads mysql2 nor touches the network.
    let made: Promise<MysqlPool> | null = null;
    getPool = () => (made ??= loadPool(uri, size));
    endPool = async () => {
      if (made !== null) await (await made).end();
    };
  }

  const gate = new Gate();
  let closed = false;
  const assertOpen = (): void => {
    if (closed) throw new YizhengError('INVALID_ARGUMENT', { reason: 'the stores have been closed' });
  };
  const outside = guarded(storeSet(poolDb(getPool), tables, clock), (what) => {
    gate.assertOutside(what);
    assertOpen();
  });

  return Object.freeze({
    kind: 'mysql' as const,
    ...outside,
    async transaction<T>(fn: (tx: RenewalStoreSet) => Promise<T>): Promise<T> {
      gate.assertOutside('transaction');
      assertOpen();
      return withConnection(await getPool(), async (conn) => {
        await begin(conn);
        const scope = new TxScope();
        const tx = guarded(storeSet(connectionDb(conn), tables, clock), () => scope.check());
        try {
          const result = await gate.inside(() => fn(tx));
          scope.close();
          await exec(conn, 'COMMIT');
          return result;
        } finally {
          scope.close();
        }
      });
    },
    async migrate(): Promise<void> {
      gate.assertOutside('migrate');
      assertOpen();
      const lock = `yizheng-migrate:${mysqlHash(database ?? '').toString('hex').slice(0, 40)}`;
      await withConnection(await getPool(), async (conn) => {
        const got = asRows(await exec(conn, 'SELECT GET_LOCK(?, 60) AS got', [lock]))[0];
        if (Number(got?.['got']) !== 1) {
          throw new YizhengError('INTERNAL_ERROR', { reason: 'migrate() waited 60 s for another migration to finish' });
        }
        try {
          if (database !== undefined) {
            await exec(conn, `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`);
          }
          const collation = await binaryCollation(conn);
          await exec(
            conn,
            `CREATE TABLE IF NOT EXISTS ${tables.migrations} (version INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL,
               applied_at DATETIME(3) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`,
          );
          const applied = new Set(asRows(await exec(conn, `SELECT version FROM ${tables.migrations}`)).map((r) => reader.int(r, 'version')));
          for (const m of MYSQL_MIGRATIONS) {
            if (applied.has(m.version)) continue;
            // DDL commits on its own in MySQL: every statement is written to be safe to run again.
            for (const statement of m.statements) await exec(conn, statement.replaceAll('{s}', prefix).replaceAll('{c}', collation));
            await exec(conn, `INSERT IGNORE INTO ${tables.migrations} (version, name, applied_at) VALUES (?, ?, ?)`, [
              m.version,
              m.name,
              mysqlTime(new Date()),
            ]);
          }
        } finally {
          await exec(conn, 'SELECT RELEASE_LOCK(?)', [lock]);
        }
      });
    },
    async close(): Promise<void> {
      gate.assertOutside('close');
      if (closed) return;
      closed = true;
      await endPool();
    },
  });
}
