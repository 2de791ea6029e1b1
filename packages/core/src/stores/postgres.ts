/**
 * The PostgreSQL adapter, through `pg` (or any pool with the same `query`/`connect` shape).
 *
 * Outside a transaction each call is a single statement on a pooled connection (or a statement plus a
 * read that only explains its outcome); uniqueness is the database's: a unique index on
 * (scope, identity_key) and `INSERT ... ON CONFLICT DO NOTHING`, so concurrent binds from any number
 * of connections or processes bind once, and `DELETE ... RETURNING` consumes a challenge once. A
 * transaction takes one client from the pool for `BEGIN` ... `COMMIT` at READ COMMITTED.
 */
import { YizhengError } from '../errors/index';
import { BINDING_COLUMN_COUNT, BINDING_COLUMNS, bindingValues, encryptionValues, eventValues, factsValues, RowReader, type Row, type ValueEncoding } from './rows';
import { PgEnvelopes, PgOrders } from './postgres-renewal';
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

/** What a query resolves to: the rows, as `pg` returns them. */
export interface PostgresQueryResult {
  /** The returned rows, keyed by column name. */
  readonly rows: readonly Record<string, unknown>[];
}

/** Something that runs a parameterised query: a `pg` Pool or Client. */
export interface PostgresQueryable {
  /** Runs `text` with `$1`... bound to `values`. */
  query(text: string, values?: unknown[]): Promise<PostgresQueryResult>;
}

/** A client checked out of a pool (`pg.PoolClient`). */
export interface PostgresPoolClient extends PostgresQueryable {
  /** Returns the client to the pool; `true` or an error destroys it instead. */
  release(err?: Error | boolean): void;
}

/** A connection pool (`pg.Pool`). */
export interface PostgresPool extends PostgresQueryable {
  /** Checks a client out for a transaction. */
  connect(): Promise<PostgresPoolClient>;
  /** Closes every connection. */
  end(): Promise<void>;
}

/** Options for {@link createPostgresStores}: a connection string (a pool is made) or your own pool. */
export type PostgresStoreOptions = StoreOptions & {
  /**
   * Schema for the tables (created by `migrate()`); without it, tables are unqualified and the
   * connection's `search_path` decides. Letters, digits and `_` only.
   */
  readonly schema?: string;
} & (
    | {
        /** `postgres://user:password@host:port/database`. */
        readonly connectionString: string;
        /** Connections in the pool made from the connection string (default 10). */
        readonly poolSize?: number;
      }
    | {
        /** A pool you own: `close()` leaves it open. */
        readonly pool: PostgresPool;
      }
  );

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The schema, one step per version; `{s}` stands for the schema prefix (empty or `"name".`). */
export const POSTGRES_MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  {
    version: 1,
    name: 'challenges, bindings, audit',
    sql: `
CREATE TABLE {s}yizheng_challenges (
  session_id text NOT NULL,
  purpose    text NOT NULL CHECK (purpose IN ('login', 'bind')),
  nonce      text NOT NULL,
  origin     text NOT NULL,
  issued_at  timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (session_id, purpose)
);
CREATE INDEX yizheng_challenges_expires ON {s}yizheng_challenges (expires_at);

CREATE TABLE {s}yizheng_bindings (
  id              text COLLATE "C" NOT NULL PRIMARY KEY,
  scope           text NOT NULL,
  identity_key    text NOT NULL,
  provider_id     text NOT NULL,
  account_id      text NOT NULL,
  organization_id text NOT NULL,
  enterprise_code text NOT NULL,
  entity_name     text NOT NULL,
  serial_number   text NOT NULL,
  sha256          text NOT NULL,
  subject_dn      text NOT NULL,
  issuer_dn       text NOT NULL,
  not_before      timestamptz NOT NULL,
  not_after       timestamptz NOT NULL,
  key_id          text,
  is_admin        boolean NOT NULL,
  permissions     text[] NOT NULL,
  bound_at        timestamptz NOT NULL,
  bound_by        text NOT NULL,
  updated_at      timestamptz NOT NULL,
  CONSTRAINT yizheng_bindings_identity UNIQUE (scope, identity_key)
);
CREATE INDEX yizheng_bindings_account ON {s}yizheng_bindings (account_id, bound_at, id);
CREATE INDEX yizheng_bindings_organization ON {s}yizheng_bindings (organization_id, bound_at, id);
CREATE INDEX yizheng_bindings_expiry ON {s}yizheng_bindings (not_after, id);

CREATE TABLE {s}yizheng_audit (
  seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id                text NOT NULL UNIQUE,
  at                timestamptz NOT NULL,
  type              text NOT NULL,
  actor_account_id  text NOT NULL,
  target_account_id text,
  binding_id        text,
  cert_serial       text,
  cert_sha256       text,
  previous_serial   text,
  details           jsonb
);
CREATE INDEX yizheng_audit_actor ON {s}yizheng_audit (actor_account_id, seq);
CREATE INDEX yizheng_audit_target ON {s}yizheng_audit (target_account_id, seq);
CREATE INDEX yizheng_audit_binding ON {s}yizheng_audit (binding_id, seq);
`,
  },
  {
    version: 2,
    name: 'sealed envelopes, service orders',
    sql: `
CREATE TABLE {s}yizheng_sealed_envelopes (
  id                    text COLLATE "C" NOT NULL PRIMARY KEY,
  project_id            text NOT NULL,
  bid_id                text NOT NULL,
  account_id            text NOT NULL,
  organization_id       text NOT NULL,
  recipient_sha256      text NOT NULL,
  recipient_serial      text NOT NULL,
  recipient_issuer_dn   text NOT NULL,
  recipient_provider_id text,
  sealed_at             timestamptz NOT NULL,
  opens_at              timestamptz NOT NULL,
  status                text NOT NULL CHECK (status IN ('sealed', 'opened', 'withdrawn')),
  opened_at             timestamptz,
  withdrawn_at          timestamptz
);
CREATE INDEX yizheng_sealed_envelopes_recipient ON {s}yizheng_sealed_envelopes (recipient_sha256, opens_at, id) WHERE status = 'sealed';
CREATE INDEX yizheng_sealed_envelopes_account ON {s}yizheng_sealed_envelopes (account_id, sealed_at, id);

CREATE TABLE {s}yizheng_service_orders (
  id              text COLLATE "C" NOT NULL PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('issue', 'renewal', 'repair', 'freeze')),
  state           text NOT NULL,
  account_id      text NOT NULL,
  organization_id text NOT NULL,
  provider_id     text,
  cert_serial     text,
  cert_sha256     text,
  reference       text,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX yizheng_service_orders_account ON {s}yizheng_service_orders (account_id, created_at, id);
`,
  },
  {
    version: 3,
    name: 'binding encryption certificate',
    sql: `
ALTER TABLE {s}yizheng_bindings
  ADD COLUMN enc_serial_number text,
  ADD COLUMN enc_sha256 text,
  ADD COLUMN enc_subject_dn text,
  ADD COLUMN enc_issuer_dn text,
  ADD COLUMN enc_not_before timestamptz,
  ADD COLUMN enc_not_after timestamptz;
`,
  },
];

/** PostgreSQL's values as `pg` returns them: times as Dates (or text), bigints as text, JSON parsed. */
class PostgresRows extends RowReader {
  constructor() {
    super('PostgreSQL');
  }

  /** A timestamptz, whether the pool parses it to a Date (pg's default) or leaves it as text. */
  date(row: Row, column: string): Date {
    const v = row[column];
    const d = v instanceof Date ? new Date(v.getTime()) : typeof v === 'string' || typeof v === 'number' ? new Date(v) : null;
    if (d === null || Number.isNaN(d.getTime())) throw this.corrupt(column);
    return d;
  }

  int(row: Row, column: string): number {
    const v = row[column];
    const n = typeof v === 'string' ? Number(v) : typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw this.corrupt(column);
    return n;
  }

  flag(row: Row, column: string): boolean {
    const v = row[column];
    if (typeof v !== 'boolean') throw this.corrupt(column);
    return v;
  }

  strings(row: Row, column: string): string[] {
    const v = row[column];
    if (!Array.isArray(v) || !v.every((p) => typeof p === 'string')) throw this.corrupt(column);
    return v as string[];
  }

  object(row: Row, column: string): Record<string, unknown> | undefined {
    const v = row[column];
    if (typeof v === 'string') return JSON.parse(v) as Record<string, unknown>;
    if (typeof v === 'object' && v !== null) return v as Record<string, unknown>;
    return undefined;
  }
}

const reader = new PostgresRows();

const asIs = <T>(value: T): T => value;

/** `pg` takes Dates, booleans and arrays as they are. */
const POSTGRES_VALUES: ValueEncoding<unknown> = { time: asIs, flag: asIs, list: asIs };

/** Table names, qualified with the schema when there is one. */
interface Tables {
  readonly challenges: string;
  readonly bindings: string;
  readonly audit: string;
  readonly envelopes: string;
  readonly orders: string;
  readonly migrations: string;
}

/** Runs a query on the right connection: the pool (outside) or the transaction's client. */
type Query = (text: string, values?: unknown[]) => Promise<readonly Row[]>;

class PgChallenges implements ChallengeStore {
  readonly #q: Query;
  readonly #t: Tables;

  constructor(q: Query, t: Tables) {
    this.#q = q;
    this.#t = t;
  }

  async put(challenge: PendingChallenge): Promise<void> {
    const c = normalizeChallenge(challenge);
    await this.#q(
      `INSERT INTO ${this.#t.challenges} (session_id, purpose, nonce, origin, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (session_id, purpose) DO UPDATE SET nonce = excluded.nonce, origin = excluded.origin,
         issued_at = excluded.issued_at, expires_at = excluded.expires_at`,
      [c.sessionId, c.purpose, c.nonce, c.origin, c.issuedAt, c.expiresAt],
    );
  }

  async consume(sessionId: string, purpose: ChallengePurpose): Promise<PendingChallenge | null> {
    const rows = await this.#q(`DELETE FROM ${this.#t.challenges} WHERE session_id = $1 AND purpose = $2 RETURNING *`, [
      checkId(sessionId, 'sessionId'),
      checkPurpose(purpose),
    ]);
    const row = rows[0];
    return row === undefined ? null : reader.challenge(row);
  }

  async purgeExpired(now: Date): Promise<number> {
    const rows = await this.#q(`DELETE FROM ${this.#t.challenges} WHERE expires_at <= $1 RETURNING 1`, [
      checkDate(now, 'now'),
    ]);
    return rows.length;
  }
}

/** Whether a query failed on a unique index (SQLSTATE 23505, unique_violation). */
function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

/** `$1, $2, …` for every column of {@link BINDING_COLUMNS}. */
const PLACEHOLDERS = Array.from({ length: BINDING_COLUMN_COUNT }, (_, i) => `$${i + 1}`).join(', ');

class PgBindings implements BindingStore {
  readonly #q: Query;
  readonly #t: Tables;
  readonly #clock: () => Date;
  /** Whether `#q` runs inside a transaction, where a failed statement needs a savepoint to not end it. */
  readonly #inTransaction: boolean;

  constructor(q: Query, t: Tables, clock: () => Date, inTransaction: boolean) {
    this.#q = q;
    this.#t = t;
    this.#clock = clock;
    this.#inTransaction = inTransaction;
  }

  async insert(binding: NewBinding): Promise<Binding> {
    const b = normalizeNewBinding(binding, this.#clock());
    const values = bindingValues(b, POSTGRES_VALUES);
    // ON CONFLICT DO NOTHING waits for a concurrent insert of the same key to commit or roll back,
    // and never aborts the surrounding transaction. The conflicting row is then read to name it; if
    // it vanished in between (unbound meanwhile), the insert is simply tried again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const inserted = await this.#q(
        `INSERT INTO ${this.#t.bindings} (${BINDING_COLUMNS}) VALUES (${PLACEHOLDERS})
         ON CONFLICT DO NOTHING RETURNING id`,
        values,
      );
      if (inserted.length === 1) return b;
      const holder = await this.findByIdentity(b.scope, b.identityKey);
      if (holder !== null) throw alreadyBound(holder);
      if ((await this.findById(b.id)) !== null) throw duplicateId('binding', b.id);
    }
    throw new YizhengError('INTERNAL_ERROR', { reason: 'binding insert kept conflicting with rows that then vanished' });
  }

  async findByIdentity(scope: string, identityKey: string): Promise<Binding | null> {
    const rows = await this.#q(`SELECT ${BINDING_COLUMNS} FROM ${this.#t.bindings} WHERE scope = $1 AND identity_key = $2`, [
      checkId(scope, 'scope'),
      checkId(identityKey, 'identityKey'),
    ]);
    const row = rows[0];
    return row === undefined ? null : reader.binding(row);
  }

  async findById(id: string): Promise<Binding | null> {
    const rows = await this.#q(`SELECT ${BINDING_COLUMNS} FROM ${this.#t.bindings} WHERE id = $1`, [checkId(id, 'id')]);
    const row = rows[0];
    return row === undefined ? null : reader.binding(row);
  }

  async listByAccount(accountId: string): Promise<Binding[]> {
    const rows = await this.#q(
      `SELECT ${BINDING_COLUMNS} FROM ${this.#t.bindings} WHERE account_id = $1 ORDER BY bound_at, id`,
      [checkId(accountId, 'accountId')],
    );
    return rows.map((row) => reader.binding(row));
  }

  async listByOrganization(organizationId: string): Promise<Binding[]> {
    const rows = await this.#q(
      `SELECT ${BINDING_COLUMNS} FROM ${this.#t.bindings} WHERE organization_id = $1 ORDER BY bound_at, id`,
      [checkId(organizationId, 'organizationId')],
    );
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
    // Without new encryption facts (all NULL here) the stored ones stay.
    const rows = await this.#q(
      `UPDATE ${this.#t.bindings} SET serial_number = $1, sha256 = $2, subject_dn = $3, issuer_dn = $4, not_before = $5,
         not_after = $6, key_id = $7, updated_at = $8,
         enc_serial_number = COALESCE($11::text, enc_serial_number), enc_sha256 = COALESCE($12::text, enc_sha256),
         enc_subject_dn = COALESCE($13::text, enc_subject_dn), enc_issuer_dn = COALESCE($14::text, enc_issuer_dn),
         enc_not_before = COALESCE($15::timestamptz, enc_not_before), enc_not_after = COALESCE($16::timestamptz, enc_not_after)
       WHERE id = $9 AND ($10::text IS NULL OR serial_number = $10) RETURNING ${BINDING_COLUMNS}`,
      [...factsValues(f, asIs), this.#clock(), id, expected, ...encryptionValues(e, asIs)],
    );
    const row = rows[0];
    if (row !== undefined) return reader.binding(row);
    if (expected === null) return null;
    const current = (await this.#q(`SELECT serial_number FROM ${this.#t.bindings} WHERE id = $1`, [id]))[0];
    if (current === undefined) return null;
    throw bindingChanged(id, expected, reader.str(current, 'serial_number'));
  }

  async updateIdentityKey(id: string, fromKey: string, toKey: string): Promise<Binding | null> {
    const move = checkIdentityMove(id, fromKey, toKey);
    // Concurrent moves of one binding queue on its row lock; READ COMMITTED then re-checks the
    // condition against the moved row, so all but the first find the key changed and move nothing.
    // The reads after a miss only explain it; if the holder of the new key vanished in between
    // (unbound meanwhile), the move is simply tried again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await this.#moveIdentity(move.id, move.fromKey, move.toKey);
      if (row !== undefined) return reader.binding(row);
      const current = (await this.#q(`SELECT scope, identity_key FROM ${this.#t.bindings} WHERE id = $1`, [move.id]))[0];
      if (current === undefined || reader.str(current, 'identity_key') !== move.fromKey) return null;
      const holder = await this.findByIdentity(reader.str(current, 'scope'), move.toKey);
      if (holder !== null && holder.id !== move.id) throw alreadyBound(holder);
    }
    throw new YizhengError('INTERNAL_ERROR', { reason: 'identity key move kept conflicting with bindings that then vanished' });
  }

  /**
   * The move as one UPDATE: the row when it moved; `undefined` when the binding is missing, its key
   * is no longer `fromKey`, or `toKey` is held. NOT EXISTS sees committed holders; one committed by a
   * concurrent transaction after this statement's snapshot fails the unique index instead, which is
   * caught (inside a transaction under a savepoint, so the transaction stays usable).
   */
  async #moveIdentity(id: string, fromKey: string, toKey: string): Promise<Row | undefined> {
    const sql = `UPDATE ${this.#t.bindings} AS b SET identity_key = $1, updated_at = $2
       WHERE b.id = $3 AND b.identity_key = $4
         AND NOT EXISTS (SELECT 1 FROM ${this.#t.bindings} AS other
                         WHERE other.scope = b.scope AND other.identity_key = $1 AND other.id <> b.id)
       RETURNING ${BINDING_COLUMNS}`;
    const values = [toKey, this.#clock(), id, fromKey];
    if (!this.#inTransaction) {
      try {
        return (await this.#q(sql, values))[0];
      } catch (err) {
        if (isUniqueViolation(err)) return undefined;
        throw err;
      }
    }
    await this.#q('SAVEPOINT yizheng_identity_move');
    let rows: readonly Row[];
    try {
      rows = await this.#q(sql, values);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      await this.#q('ROLLBACK TO SAVEPOINT yizheng_identity_move');
      await this.#q('RELEASE SAVEPOINT yizheng_identity_move');
      return undefined;
    }
    await this.#q('RELEASE SAVEPOINT yizheng_identity_move');
    return rows[0];
  }

  async findByIdentityPrefix(scope: string, prefix: string, limit: number): Promise<Binding[]> {
    const q = checkPrefixQuery(scope, prefix, limit);
    // An exact comparison of the key's first characters: LIKE would take % and _ as wildcards.
    const rows = await this.#q(
      `SELECT ${BINDING_COLUMNS} FROM ${this.#t.bindings}
       WHERE scope = $1 AND left(identity_key, char_length($2::text)) = $2::text
       ORDER BY bound_at, id LIMIT $3`,
      [q.scope, q.prefix, q.limit],
    );
    return rows.map((row) => reader.binding(row));
  }

  async setPermissions(id: string, permissions: BindingPermissions): Promise<Binding | null> {
    checkId(id, 'id');
    const p = normalizePermissions(permissions);
    const rows = await this.#q(
      `UPDATE ${this.#t.bindings} SET is_admin = $1, permissions = $2, updated_at = $3 WHERE id = $4 RETURNING ${BINDING_COLUMNS}`,
      [p.isAdmin, p.permissions, this.#clock(), id],
    );
    const row = rows[0];
    return row === undefined ? null : reader.binding(row);
  }

  async delete(id: string): Promise<Binding | null> {
    const rows = await this.#q(`DELETE FROM ${this.#t.bindings} WHERE id = $1 RETURNING ${BINDING_COLUMNS}`, [
      checkId(id, 'id'),
    ]);
    const row = rows[0];
    return row === undefined ? null : reader.binding(row);
  }

  async listExpiring(query: ExpiringQuery): Promise<Page<Binding>> {
    const q = checkExpiringQuery(query);
    const after = Number.isFinite(q.afterMs) ? new Date(q.afterMs) : null;
    const before = new Date(q.beforeMs);
    const rows =
      q.from === null
        ? await this.#q(
            `SELECT ${BINDING_COLUMNS} FROM ${this.#t.bindings} WHERE ($1::timestamptz IS NULL OR not_after >= $1) AND not_after < $2
             ORDER BY not_after, id LIMIT $3`,
            [after, before, q.limit + 1],
          )
        : await this.#q(
            `SELECT ${BINDING_COLUMNS} FROM ${this.#t.bindings} WHERE (not_after, id) > ($1::timestamptz, $2::text COLLATE "C")
               AND ($3::timestamptz IS NULL OR not_after >= $3) AND not_after < $4
             ORDER BY not_after, id LIMIT $5`,
            [new Date(q.from.ms), q.from.id, after, before, q.limit + 1],
          );
    return reader.expiringPage(rows, q.limit);
  }
}

class PgAudit implements AuditLog {
  readonly #q: Query;
  readonly #t: Tables;
  readonly #clock: () => Date;

  constructor(q: Query, t: Tables, clock: () => Date) {
    this.#q = q;
    this.#t = t;
    this.#clock = clock;
  }

  async append(event: NewAuditEvent): Promise<AuditEvent> {
    const e = normalizeNewEvent(event, this.#clock());
    const rows = await this.#q(
      `INSERT INTO ${this.#t.audit} (id, at, type, actor_account_id, target_account_id, binding_id, cert_serial, cert_sha256,
         previous_serial, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb) ON CONFLICT (id) DO NOTHING RETURNING seq`,
      eventValues(e, asIs),
    );
    if (rows.length !== 1) throw duplicateId('audit event', e.id);
    return e;
  }

  async list(query: AuditQuery): Promise<Page<AuditEvent>> {
    const q = checkAuditQuery(query);
    const where: string[] = [];
    const values: unknown[] = [];
    if (q.accountId !== null) {
      values.push(q.accountId);
      where.push(`(actor_account_id = $${values.length} OR target_account_id = $${values.length})`);
    }
    if (q.bindingId !== null) {
      values.push(q.bindingId);
      where.push(`binding_id = $${values.length}`);
    }
    if (q.belowSeq !== null) {
      values.push(q.belowSeq);
      where.push(`seq < $${values.length}`);
    }
    values.push(q.limit + 1);
    const rows = await this.#q(
      `SELECT * FROM ${this.#t.audit} ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY seq DESC LIMIT $${values.length}`,
      values,
    );
    return reader.auditPage(rows, q.limit);
  }
}

function storeSet(q: Query, t: Tables, clock: () => Date, inTransaction: boolean): RenewalStoreSet {
  return Object.freeze({
    challenges: new PgChallenges(q, t),
    bindings: new PgBindings(q, t, clock, inTransaction),
    audit: new PgAudit(q, t, clock),
    envelopes: new PgEnvelopes(q, t.envelopes, reader, clock),
    orders: new PgOrders(q, t.orders, reader, clock),
  });
}

async function loadPool(connectionString: string, max: number): Promise<PostgresPool> {
  let pg: typeof import('pg');
  try {
    pg = await import('pg');
  } catch (err) {
    throw new YizhengError(
      'INVALID_ARGUMENT',
      { reason: 'createPostgresStores({ connectionString }) needs the "pg" package: install it, or pass your own pool' },
      { cause: err },
    );
  }
  const pool = new pg.Pool({ connectionString, max });
  // An idle client losing its connection must not crash the process: the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Stores in PostgreSQL. Pass a connection string (a `pg` pool is created, and ended by `close()`)
 * or a pool of your own. Run `await stores.migrate()` once at start-up (it is idempotent and takes
 * an advisory lock, so several instances may run it at once).
 *
 * @example
 * ```ts
 * const stores = createPostgresStores({ connectionString: process.env.DATABASE_URL, schema: 'yizheng' });
 * await stores.migrate();
 * ```
 */
export function createPostgresStores(options: PostgresStoreOptions): RenewalStores {
  const clock = options.clock ?? (() => new Date());
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'schema must be letters, digits and _ (at most 63)' });
  }
  const prefix = schema === undefined ? '' : `"${schema}".`;
  const tables: Tables = {
    challenges: `${prefix}yizheng_challenges`,
    bindings: `${prefix}yizheng_bindings`,
    audit: `${prefix}yizheng_audit`,
    envelopes: `${prefix}yizheng_sealed_envelopes`,
    orders: `${prefix}yizheng_service_orders`,
    migrations: `${prefix}yizheng_schema_migrations`,
  };

  let getPool: () => Promise<PostgresPool>;
  let endPool: () => Promise<void>;
  if ('pool' in options) {
    const { pool } = options;
    getPool = () => Promise.resolve(pool);
    endPool = () => Promise.resolve();
  } else {
    const { connectionString } = options;
    if (typeof connectionString !== 'string' || connectionString.length === 0) {
      throw new YizhengError('INVALID_ARGUMENT', { reason: 'connectionString or pool is required' });
    }
    const size = options.poolSize ?? 10;
    if (!Number.isInteger(size) || size < 1) {
      throw new YizhengError('INVALID_ARGUMENT', { reason: 'poolSize must be a positive integer' });
    }
    // Made on first use, so creating the stores neither loads pg nor touches the network.
    let made: Promise<PostgresPool> | null = null;
    getPool = () => (made ??= loadPool(connectionString, size));
    endPool = async () => {
      if (made !== null) await (await made).end();
    };
  }

  const gate = new Gate();
  let closed = false;
  const assertOpen = (): void => {
    if (closed) throw new YizhengError('INVALID_ARGUMENT', { reason: 'the stores have been closed' });
  };
  const onPool: Query = async (text, values) => (await (await getPool()).query(text, values)).rows;
  const outside = guarded(storeSet(onPool, tables, clock, false), (what) => {
    gate.assertOutside(what);
    assertOpen();
  });

  async function withClient<T>(fn: (client: PostgresPoolClient) => Promise<T>): Promise<T> {
    const client = await (await getPool()).connect();
    let broken = false;
    try {
      return await fn(client);
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  return Object.freeze({
    kind: 'postgres' as const,
    ...outside,
    async transaction<T>(fn: (tx: RenewalStoreSet) => Promise<T>): Promise<T> {
      gate.assertOutside('transaction');
      assertOpen();
      return withClient(async (client) => {
        await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
        const scope = new TxScope();
        const onClient: Query = async (text, values) => (await client.query(text, values)).rows;
        const tx = guarded(storeSet(onClient, tables, clock, true), () => scope.check());
        try {
          const result = await gate.inside(() => fn(tx));
          scope.close();
          await client.query('COMMIT');
          return result;
        } finally {
          scope.close();
        }
      });
    },
    async migrate(): Promise<void> {
      gate.assertOutside('migrate');
      assertOpen();
      await withClient(async (client) => {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`yizheng-migrate:${schema ?? ''}`]);
        if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${tables.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
        );
        const applied = new Set((await client.query(`SELECT version FROM ${tables.migrations}`)).rows.map((r) => reader.int(r, 'version')));
        for (const m of POSTGRES_MIGRATIONS) {
          if (applied.has(m.version)) continue;
          await client.query(m.sql.replaceAll('{s}', prefix));
          await client.query(`INSERT INTO ${tables.migrations} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
        }
        await client.query('COMMIT');
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
