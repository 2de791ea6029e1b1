/**
 * The SQLite adapter over Node's built-in `node:sqlite` (DatabaseSync; Node 22.13+ without a flag).
 *
 * One connection per stores object. Every statement is synchronous, so each call is atomic within the
 * process; the gate (see `syncStores`) keeps other async callers out while a transaction is open
 * between `BEGIN IMMEDIATE` and `COMMIT`. Across processes sharing a file, SQLite's own locking
 * applies (WAL mode, a busy timeout, `BEGIN IMMEDIATE` so a transaction takes the write lock up
 * front), and every write that must be unique is a single statement against a unique index. Stores
 * opened on the same file within one process share one gate. Waiting for another process's lock is
 * SQLite's busy timeout, which blocks this thread: keep write transactions short.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { YizhengError } from '../errors/index';
import { BINDING_COLUMN_COUNT, BINDING_COLUMNS, bindingValues, encryptionValues, eventValues, factsValues, RowReader, type Row, type ValueEncoding } from './rows';
import { SqliteEnvelopes, SqliteOrders } from './sqlite-renewal';
import { Gate, syncStores, type Direct, type SyncEngine } from './unit-of-work';
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
  prefixRange,
} from './validate';

/** Options for {@link createSqliteStores}. */
export interface SqliteStoreOptions extends StoreOptions {
  /** Database file; `':memory:'` (the default) for a private in-memory database. */
  readonly path?: string;
  /** Run {@link RenewalStores.migrate} when opening (default `true`). */
  readonly migrate?: boolean;
  /** How long to wait for another process's write lock, in ms (default 5000). */
  readonly busyTimeoutMs?: number;
  /**
   * When a file database's commits reach the disk (SQLite's `synchronous`, the file is in WAL mode):
   * `full` (the default) syncs every commit, so a committed challenge consumption, binding or audit
   * record survives a power cut, at the cost of one disk sync per write (about 0.4–1 ms on a
   * typical disk, which bounds the logins per second); `normal` syncs at checkpoints only: as safe
   * against a crash of the application, but a power cut or an operating-system crash may lose the
   * last commits (the database itself stays consistent). Choose `normal` only where losing a few
   * recent logins' audit records, or a just-consumed challenge, to a power cut is acceptable.
   */
  readonly synchronous?: 'full' | 'normal';
}

/** The schema, one step per version; applied in order, each once, recorded in yizheng_schema_migrations. */
export const SQLITE_MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  {
    version: 1,
    name: 'challenges, bindings, audit',
    sql: `
CREATE TABLE yizheng_challenges (
  session_id TEXT NOT NULL,
  purpose    TEXT NOT NULL CHECK (purpose IN ('login', 'bind')),
  nonce      TEXT NOT NULL,
  origin     TEXT NOT NULL,
  issued_at  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, purpose)
);
CREATE INDEX yizheng_challenges_expires ON yizheng_challenges (expires_at);

-- Clustered on (not_after, id): an expiry scan reads the table in order instead of jumping to a
-- random page for every row (1,000,000 bindings page through in about a third of the time).
CREATE TABLE yizheng_bindings (
  id              TEXT NOT NULL,
  scope           TEXT NOT NULL,
  identity_key    TEXT NOT NULL,
  provider_id     TEXT NOT NULL,
  account_id      TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  enterprise_code TEXT NOT NULL,
  entity_name     TEXT NOT NULL,
  serial_number   TEXT NOT NULL,
  sha256          TEXT NOT NULL,
  subject_dn      TEXT NOT NULL,
  issuer_dn       TEXT NOT NULL,
  not_before      INTEGER NOT NULL,
  not_after       INTEGER NOT NULL,
  key_id          TEXT,
  is_admin        INTEGER NOT NULL CHECK (is_admin IN (0, 1)),
  permissions     TEXT NOT NULL,
  bound_at        INTEGER NOT NULL,
  bound_by        TEXT NOT NULL,
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (not_after, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX yizheng_bindings_id ON yizheng_bindings (id);
CREATE UNIQUE INDEX yizheng_bindings_identity ON yizheng_bindings (scope, identity_key);
CREATE INDEX yizheng_bindings_account ON yizheng_bindings (account_id, bound_at);
CREATE INDEX yizheng_bindings_organization ON yizheng_bindings (organization_id, bound_at);

CREATE TABLE yizheng_audit (
  seq               INTEGER PRIMARY KEY AUTOINCREMENT,
  id                TEXT NOT NULL UNIQUE,
  at                INTEGER NOT NULL,
  type              TEXT NOT NULL,
  actor_account_id  TEXT NOT NULL,
  target_account_id TEXT,
  binding_id        TEXT,
  cert_serial       TEXT,
  cert_sha256       TEXT,
  previous_serial   TEXT,
  details           TEXT
);
CREATE INDEX yizheng_audit_actor ON yizheng_audit (actor_account_id, seq);
CREATE INDEX yizheng_audit_target ON yizheng_audit (target_account_id, seq);
CREATE INDEX yizheng_audit_binding ON yizheng_audit (binding_id, seq);
`,
  },
  {
    version: 2,
    name: 'sealed envelopes, service orders',
    sql: `
CREATE TABLE yizheng_sealed_envelopes (
  id                    TEXT NOT NULL PRIMARY KEY,
  project_id            TEXT NOT NULL,
  bid_id                TEXT NOT NULL,
  account_id            TEXT NOT NULL,
  organization_id       TEXT NOT NULL,
  recipient_sha256      TEXT NOT NULL,
  recipient_serial      TEXT NOT NULL,
  recipient_issuer_dn   TEXT NOT NULL,
  recipient_provider_id TEXT,
  sealed_at             INTEGER NOT NULL,
  opens_at              INTEGER NOT NULL,
  status                TEXT NOT NULL CHECK (status IN ('sealed', 'opened', 'withdrawn')),
  opened_at             INTEGER,
  withdrawn_at          INTEGER
);
CREATE INDEX yizheng_sealed_envelopes_recipient ON yizheng_sealed_envelopes (recipient_sha256, status, opens_at, id);
CREATE INDEX yizheng_sealed_envelopes_account ON yizheng_sealed_envelopes (account_id, sealed_at, id);

CREATE TABLE yizheng_service_orders (
  id              TEXT NOT NULL PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('issue', 'renewal', 'repair', 'freeze')),
  state           TEXT NOT NULL,
  account_id      TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  provider_id     TEXT,
  cert_serial     TEXT,
  cert_sha256     TEXT,
  reference       TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX yizheng_service_orders_account ON yizheng_service_orders (account_id, created_at, id);
`,
  },
  {
    version: 3,
    name: 'binding encryption certificate',
    sql: `
ALTER TABLE yizheng_bindings ADD COLUMN enc_serial_number TEXT;
ALTER TABLE yizheng_bindings ADD COLUMN enc_sha256 TEXT;
ALTER TABLE yizheng_bindings ADD COLUMN enc_subject_dn TEXT;
ALTER TABLE yizheng_bindings ADD COLUMN enc_issuer_dn TEXT;
ALTER TABLE yizheng_bindings ADD COLUMN enc_not_before INTEGER;
ALTER TABLE yizheng_bindings ADD COLUMN enc_not_after INTEGER;
`,
  },
];

/** Parsed permission lists by their JSON text: platforms reuse a handful of sets across many rows. */
const permissionLists = new Map<string, readonly string[]>();

/** SQLite's values: times as epoch milliseconds, the flag as 0 or 1, lists and details as JSON text. */
class SqliteRows extends RowReader {
  constructor() {
    super('SQLite');
  }

  date(row: Row, column: string): Date {
    return new Date(this.int(row, column));
  }

  int(row: Row, column: string): number {
    const v = row[column];
    if (typeof v !== 'number') throw this.corrupt(column);
    return v;
  }

  flag(row: Row, column: string): boolean {
    return this.int(row, column) === 1;
  }

  strings(row: Row, column: string): string[] {
    const text = this.str(row, column);
    let list = permissionLists.get(text);
    if (list === undefined) {
      const parsed: unknown = JSON.parse(text);
      if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) throw this.corrupt(column);
      list = parsed as string[];
      if (permissionLists.size < 1024) permissionLists.set(text, list);
    }
    return [...list];
  }

  object(row: Row, column: string): Record<string, unknown> | undefined {
    const text = this.optStr(row, column);
    return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
  }
}

const reader = new SqliteRows();

const epochMs = (d: Date): number => d.getTime();

/** How SQLite takes a binding's times, flag and permission list. */
const SQLITE_VALUES: ValueEncoding<SQLInputValue> = {
  time: epochMs,
  flag: (b) => (b ? 1 : 0),
  list: (items) => JSON.stringify(items),
};

// The statements a login runs, built once: the statement cache is keyed by the SQL text, and a
// text rebuilt on every call would be hashed on every call.
const FIND_BY_IDENTITY = `SELECT ${BINDING_COLUMNS} FROM yizheng_bindings WHERE scope = ? AND identity_key = ?`;
const FIND_BY_ID = `SELECT ${BINDING_COLUMNS} FROM yizheng_bindings WHERE id = ?`;
const INSERT_BINDING = `INSERT INTO yizheng_bindings (${BINDING_COLUMNS}) VALUES (${Array<string>(BINDING_COLUMN_COUNT).fill('?').join(', ')})
         ON CONFLICT DO NOTHING`;

/** Prepared statements, compiled on first use and kept for the connection's life. */
class Statements {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  get(sql: string): StatementSync {
    let s = this.#cache.get(sql);
    if (s === undefined) {
      s = this.#db.prepare(sql);
      this.#cache.set(sql, s);
    }
    return s;
  }

  clear(): void {
    this.#cache.clear();
  }
}

class SqliteChallenges implements Direct<ChallengeStore> {
  readonly #s: Statements;

  constructor(s: Statements) {
    this.#s = s;
  }

  put(challenge: PendingChallenge): void {
    const c = normalizeChallenge(challenge);
    this.#s
      .get(
        `INSERT INTO yizheng_challenges (session_id, purpose, nonce, origin, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id, purpose) DO UPDATE SET nonce = excluded.nonce, origin = excluded.origin,
           issued_at = excluded.issued_at, expires_at = excluded.expires_at`,
      )
      .run(c.sessionId, c.purpose, c.nonce, c.origin, c.issuedAt.getTime(), c.expiresAt.getTime());
  }

  consume(sessionId: string, purpose: ChallengePurpose): PendingChallenge | null {
    const row = this.#s
      .get('DELETE FROM yizheng_challenges WHERE session_id = ? AND purpose = ? RETURNING *')
      .get(checkId(sessionId, 'sessionId'), checkPurpose(purpose));
    return row === undefined ? null : reader.challenge(row);
  }

  purgeExpired(now: Date): number {
    const r = this.#s.get('DELETE FROM yizheng_challenges WHERE expires_at <= ?').run(checkDate(now, 'now').getTime());
    return Number(r.changes);
  }
}

class SqliteBindings implements Direct<BindingStore> {
  readonly #s: Statements;
  readonly #clock: () => Date;

  constructor(s: Statements, clock: () => Date) {
    this.#s = s;
    this.#clock = clock;
  }

  insert(binding: NewBinding): Binding {
    const b = normalizeNewBinding(binding, this.#clock());
    const r = this.#s
      .get(INSERT_BINDING)
      .run(...bindingValues(b, SQLITE_VALUES));
    if (Number(r.changes) === 1) return b;
    const holder = this.findByIdentity(b.scope, b.identityKey);
    if (holder !== null) throw alreadyBound(holder);
    throw duplicateId('binding', b.id);
  }

  findByIdentity(scope: string, identityKey: string): Binding | null {
    const row = this.#s
      .get(FIND_BY_IDENTITY)
      .get(checkId(scope, 'scope'), checkId(identityKey, 'identityKey'));
    return row === undefined ? null : reader.binding(row);
  }

  findById(id: string): Binding | null {
    const row = this.#s.get(FIND_BY_ID).get(checkId(id, 'id'));
    return row === undefined ? null : reader.binding(row);
  }

  listByAccount(accountId: string): Binding[] {
    return this.#s
      .get(`SELECT ${BINDING_COLUMNS} FROM yizheng_bindings WHERE account_id = ? ORDER BY bound_at, id`)
      .all(checkId(accountId, 'accountId'))
      .map((row) => reader.binding(row));
  }

  listByOrganization(organizationId: string): Binding[] {
    return this.#s
      .get(`SELECT ${BINDING_COLUMNS} FROM yizheng_bindings WHERE organization_id = ? ORDER BY bound_at, id`)
      .all(checkId(organizationId, 'organizationId'))
      .map((row) => reader.binding(row));
  }

  updateCertificateFacts(
    id: string,
    facts: CertificateFacts,
    expectedSerial?: string,
    encryptionCertificate?: CertificateFacts,
  ): Binding | null {
    checkId(id, 'id');
    const f = normalizeFacts(facts);
    const e = encryptionCertificate === undefined ? undefined : normalizeEncryptionFacts(encryptionCertificate);
    const expected = expectedSerial === undefined ? null : checkId(expectedSerial, 'expectedSerial');
    // Without new encryption facts (all NULL here, enc_sha256 is never NULL for a stored one) the stored ones stay.
    const row = this.#s
      .get(
        `UPDATE yizheng_bindings SET serial_number = ?, sha256 = ?, subject_dn = ?, issuer_dn = ?, not_before = ?,
           not_after = ?, key_id = ?, enc_serial_number = COALESCE(?, enc_serial_number), enc_sha256 = COALESCE(?, enc_sha256),
           enc_subject_dn = COALESCE(?, enc_subject_dn), enc_issuer_dn = COALESCE(?, enc_issuer_dn),
           enc_not_before = COALESCE(?, enc_not_before), enc_not_after = COALESCE(?, enc_not_after), updated_at = ?
         WHERE id = ? AND (? IS NULL OR serial_number = ?) RETURNING ${BINDING_COLUMNS}`,
      )
      .get(...factsValues(f, epochMs), ...encryptionValues(e, epochMs), this.#clock().getTime(), id, expected, expected);
    if (row !== undefined) return reader.binding(row);
    const current = this.#s.get('SELECT serial_number FROM yizheng_bindings WHERE id = ?').get(id);
    if (current === undefined || expected === null) return null;
    throw bindingChanged(id, expected, reader.str(current, 'serial_number'));
  }

  updateIdentityKey(id: string, fromKey: string, toKey: string): Binding | null {
    const move = checkIdentityMove(id, fromKey, toKey);
    // OR IGNORE: when another binding holds the new key the row is skipped instead of the statement
    // failing; the reads after it only explain the outcome. If the holder vanished in between (another
    // connection unbound it), the move is simply tried again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = this.#s
        .get(
          `UPDATE OR IGNORE yizheng_bindings SET identity_key = ?, updated_at = ? WHERE id = ? AND identity_key = ?
           RETURNING ${BINDING_COLUMNS}`,
        )
        .get(move.toKey, this.#clock().getTime(), move.id, move.fromKey);
      if (row !== undefined) return reader.binding(row);
      const current = this.#s.get('SELECT scope, identity_key FROM yizheng_bindings WHERE id = ?').get(move.id);
      if (current === undefined || reader.str(current, 'identity_key') !== move.fromKey) return null;
      const holder = this.findByIdentity(reader.str(current, 'scope'), move.toKey);
      if (holder !== null) throw alreadyBound(holder);
    }
    throw new YizhengError('INTERNAL_ERROR', { reason: 'identity key move kept conflicting with bindings that then vanished' });
  }

  findByIdentityPrefix(scope: string, prefix: string, limit: number): Binding[] {
    const q = checkPrefixQuery(scope, prefix, limit);
    // A range on the (scope, identity_key) index in BINARY (UTF-8 byte) order is exactly the keys with
    // the prefix; LIKE would ignore case and take % and _ as wildcards, length() would stop at a NUL.
    const { lower, upper } = prefixRange(q.prefix);
    const rows =
      upper === null
        ? this.#s
            .get(
              `SELECT ${BINDING_COLUMNS} FROM yizheng_bindings WHERE scope = ? AND identity_key >= ?
               ORDER BY bound_at, id LIMIT ?`,
            )
            .all(q.scope, lower, q.limit)
        : this.#s
            .get(
              `SELECT ${BINDING_COLUMNS} FROM yizheng_bindings WHERE scope = ? AND identity_key >= ? AND identity_key < ?
               ORDER BY bound_at, id LIMIT ?`,
            )
            .all(q.scope, lower, upper, q.limit);
    return rows.map((row) => reader.binding(row));
  }

  setPermissions(id: string, permissions: BindingPermissions): Binding | null {
    checkId(id, 'id');
    const p = normalizePermissions(permissions);
    const row = this.#s
      .get(
        `UPDATE yizheng_bindings SET is_admin = ?, permissions = ?, updated_at = ? WHERE id = ? RETURNING ${BINDING_COLUMNS}`,
      )
      .get(p.isAdmin ? 1 : 0, JSON.stringify(p.permissions), this.#clock().getTime(), id);
    return row === undefined ? null : reader.binding(row);
  }

  delete(id: string): Binding | null {
    const row = this.#s
      .get(`DELETE FROM yizheng_bindings WHERE id = ? RETURNING ${BINDING_COLUMNS}`)
      .get(checkId(id, 'id'));
    return row === undefined ? null : reader.binding(row);
  }

  listExpiring(query: ExpiringQuery): Page<Binding> {
    const q = checkExpiringQuery(query);
    const after = Number.isFinite(q.afterMs) ? q.afterMs : Number.MIN_SAFE_INTEGER;
    const rows =
      q.from === null
        ? this.#s
            .get(
              `SELECT ${BINDING_COLUMNS} FROM yizheng_bindings WHERE not_after >= ? AND not_after < ?
               ORDER BY not_after, id LIMIT ?`,
            )
            .all(after, q.beforeMs, q.limit + 1)
        : this.#s
            .get(
              `SELECT ${BINDING_COLUMNS} FROM yizheng_bindings WHERE (not_after, id) > (?, ?) AND not_after >= ? AND not_after < ?
               ORDER BY not_after, id LIMIT ?`,
            )
            .all(q.from.ms, q.from.id, after, q.beforeMs, q.limit + 1);
    return reader.expiringPage(rows, q.limit);
  }
}

class SqliteAudit implements Direct<AuditLog> {
  readonly #s: Statements;
  readonly #clock: () => Date;

  constructor(s: Statements, clock: () => Date) {
    this.#s = s;
    this.#clock = clock;
  }

  append(event: NewAuditEvent): AuditEvent {
    const e = normalizeNewEvent(event, this.#clock());
    const r = this.#s
      .get(
        `INSERT INTO yizheng_audit (id, at, type, actor_account_id, target_account_id, binding_id, cert_serial, cert_sha256,
           previous_serial, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(...eventValues(e, epochMs));
    if (Number(r.changes) !== 1) throw duplicateId('audit event', e.id);
    return e;
  }

  list(query: AuditQuery): Page<AuditEvent> {
    const q = checkAuditQuery(query);
    const where: string[] = [];
    const values: SQLInputValue[] = [];
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
    const sql = `SELECT * FROM yizheng_audit ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY seq DESC LIMIT ?`;
    return reader.auditPage(this.#s.get(sql).all(...values, q.limit + 1), q.limit);
  }
}

/**
 * One gate per database file in this process: two stores objects on one file would otherwise
 * deadlock, one holding SQLite's write lock across an await while the other busy-waits for it on
 * the same thread. Counted so the entry goes away with the last connection.
 */
const fileGates = new Map<string, { gate: Gate; refs: number }>();

function acquireGate(key: string | null): { gate: Gate; release: () => void } {
  if (key === null) return { gate: new Gate(), release: () => undefined };
  let entry = fileGates.get(key);
  if (entry === undefined) {
    entry = { gate: new Gate(), refs: 0 };
    fileGates.set(key, entry);
  }
  entry.refs++;
  const held = entry;
  let released = false;
  return {
    gate: held.gate,
    release: () => {
      if (released) return;
      released = true;
      if (--held.refs === 0 && fileGates.get(key) === held) fileGates.delete(key);
    },
  };
}

function fileKey(path: string): string | null {
  if (path === ':memory:' || path === '' || path.startsWith('file:')) return null;
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function loadSqlite(): typeof import('node:sqlite') {
  const mod = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite') | undefined;
  if (mod === undefined) {
    throw new YizhengError('INVALID_ARGUMENT', {
      reason: `node:sqlite is not available in Node ${process.versions.node}: use Node 22.13 or later`,
    });
  }
  return mod;
}

/** Applies the migrations this database has not seen yet, in one write transaction. */
function migrate(db: DatabaseSync): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS yizheng_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  db.exec('BEGIN IMMEDIATE');
  try {
    const applied = new Set(
      db
        .prepare('SELECT version FROM yizheng_schema_migrations')
        .all()
        .map((r) => reader.int(r, 'version')),
    );
    const record = db.prepare('INSERT INTO yizheng_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of SQLITE_MIGRATIONS) {
      if (applied.has(m.version)) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

/**
 * Stores in a SQLite database through `node:sqlite`: a file shared by the platform's processes, or a
 * private in-memory database (the default). Migrates on open unless told not to.
 *
 * @example
 * ```ts
 * const stores = createSqliteStores({ path: '/var/lib/platform/yizheng.db' });
 * const binding = await stores.bindings.findByIdentity('default', identityKey);
 * ```
 */
export function createSqliteStores(options: SqliteStoreOptions = {}): RenewalStores {
  const { DatabaseSync } = loadSqlite();
  const clock = options.clock ?? (() => new Date());
  const path = options.path ?? ':memory:';
  const db = new DatabaseSync(path);
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    if (path !== ':memory:' && path !== '') {
      db.exec('PRAGMA journal_mode = WAL');
      const sync = options.synchronous ?? 'full';
      if (sync !== 'full' && sync !== 'normal') throw new YizhengError('INVALID_ARGUMENT', { reason: "synchronous must be 'full' or 'normal'" });
      db.exec(`PRAGMA synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    }
    if (options.migrate !== false) migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const { gate, release } = acquireGate(fileKey(path));
  const statements = new Statements(db);
  const rollback = (): void => {
    try {
      db.exec('ROLLBACK');
    } catch {
      // No transaction open (SQLite already rolled it back, or BEGIN failed): nothing to undo.
    }
  };
  const engine: SyncEngine = {
    kind: 'sqlite',
    impl: {
      challenges: new SqliteChallenges(statements),
      bindings: new SqliteBindings(statements, clock),
      audit: new SqliteAudit(statements, clock),
      envelopes: new SqliteEnvelopes(statements, reader, clock),
      orders: new SqliteOrders(statements, reader, clock),
    },
    begin: () => db.exec('BEGIN IMMEDIATE'),
    commit: () => db.exec('COMMIT'),
    rollback,
    // Every call is one write statement (plus reads), atomic on its own; calls that queue up (a
    // login burst) share one transaction, and so one disk sync.
    single: (fn) => fn(),
    groupCommit: true,
    migrate: () => {
      migrate(db);
      statements.clear();
    },
    close: () => {
      release();
      statements.clear();
      db.close();
    },
  };
  return syncStores(engine, gate);
}
