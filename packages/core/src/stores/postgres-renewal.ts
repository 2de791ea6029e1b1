/**
 * The PostgreSQL sealed-envelope and service-order stores. State changes are conditional
 * `UPDATE ... WHERE status/state = ... RETURNING`: concurrent changes of one row queue on its lock,
 * and READ COMMITTED re-checks the condition against the changed row, so exactly one of them applies.
 */
import { transitionOrder } from '../renewal/orders';
import { ENVELOPE_COLUMNS, ORDER_COLUMNS, envelopeValues, orderValues, readEnvelope, readOrder } from './renewal-rows';
import type { Row, RowReader } from './rows';
import type {
  AccountPageQuery,
  NewSealedEnvelope,
  NewServiceOrder,
  OpenEnvelopeQuery,
  OrderQuery,
  OrderTransition,
  Page,
  SealedEnvelope,
  SealedEnvelopeStore,
  ServiceOrder,
  ServiceOrderStore,
} from './types';
import { checkId } from './validate';
import {
  checkEnvelopeAccountQuery,
  checkEnvelopeClose,
  checkOpenEnvelopeQuery,
  checkOrderQuery,
  checkOrderTransition,
  duplicateRecordId,
  envelopeAccountCursor,
  normalizeNewEnvelope,
  normalizeNewOrder,
  openEnvelopeCursor,
  orderChanged,
  orderCursor,
  pageOf,
} from './validate-renewal';

/** Runs a query on the right connection: the pool (outside) or the transaction's client. */
export type PgRenewalQuery = (text: string, values?: unknown[]) => Promise<readonly Row[]>;

const asIs = <T>(value: T): T => value;

/** Sealed envelopes in PostgreSQL; `table` is the (schema-qualified) table name. */
export class PgEnvelopes implements SealedEnvelopeStore {
  readonly #q: PgRenewalQuery;
  readonly #table: string;
  readonly #r: RowReader;
  readonly #clock: () => Date;

  constructor(q: PgRenewalQuery, table: string, reader: RowReader, clock: () => Date) {
    this.#q = q;
    this.#table = table;
    this.#r = reader;
    this.#clock = clock;
  }

  async record(envelope: NewSealedEnvelope): Promise<SealedEnvelope> {
    const e = normalizeNewEnvelope(envelope, this.#clock());
    const rows = await this.#q(
      `INSERT INTO ${this.#table} (${ENVELOPE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT DO NOTHING RETURNING id`,
      envelopeValues(e, asIs),
    );
    if (rows.length !== 1) throw duplicateRecordId('envelope', e.id);
    return e;
  }

  async get(id: string): Promise<SealedEnvelope | null> {
    const rows = await this.#q(`SELECT ${ENVELOPE_COLUMNS} FROM ${this.#table} WHERE id = $1`, [checkId(id, 'id')]);
    const row = rows[0];
    return row === undefined ? null : readEnvelope(this.#r, row);
  }

  async markOpened(id: string, at?: Date): Promise<SealedEnvelope | null> {
    const c = checkEnvelopeClose(id, at, this.#clock());
    const rows = await this.#q(
      `UPDATE ${this.#table} SET status = 'opened', opened_at = $1 WHERE id = $2 AND status = 'sealed' RETURNING ${ENVELOPE_COLUMNS}`,
      [c.at, c.id],
    );
    const row = rows[0];
    return row === undefined ? null : readEnvelope(this.#r, row);
  }

  async withdraw(id: string, at?: Date): Promise<SealedEnvelope | null> {
    const c = checkEnvelopeClose(id, at, this.#clock());
    const rows = await this.#q(
      `UPDATE ${this.#table} SET status = 'withdrawn', withdrawn_at = $1 WHERE id = $2 AND status = 'sealed' RETURNING ${ENVELOPE_COLUMNS}`,
      [c.at, c.id],
    );
    const row = rows[0];
    return row === undefined ? null : readEnvelope(this.#r, row);
  }

  async listOpenByRecipient(sha256: string, query: OpenEnvelopeQuery): Promise<Page<SealedEnvelope>> {
    const q = checkOpenEnvelopeQuery(sha256, query);
    const rows = await this.#q(
      `SELECT ${ENVELOPE_COLUMNS} FROM ${this.#table}
       WHERE recipient_sha256 = $1 AND status = 'sealed' AND ($2::timestamptz IS NULL OR opens_at > $2)
         AND ($3::timestamptz IS NULL OR (opens_at, id) > ($3::timestamptz, $4::text COLLATE "C"))
       ORDER BY opens_at, id LIMIT $5`,
      [q.sha256, q.afterMs === null ? null : new Date(q.afterMs), q.from === null ? null : new Date(q.from.ms), q.from?.id ?? '', q.limit + 1],
    );
    return pageOf(
      rows.map((row) => readEnvelope(this.#r, row)),
      q.limit,
      openEnvelopeCursor,
    );
  }

  async listByAccount(accountId: string, query: AccountPageQuery): Promise<Page<SealedEnvelope>> {
    const q = checkEnvelopeAccountQuery(accountId, query);
    const rows = await this.#q(
      `SELECT ${ENVELOPE_COLUMNS} FROM ${this.#table}
       WHERE account_id = $1 AND ($2::timestamptz IS NULL OR (sealed_at, id) > ($2::timestamptz, $3::text COLLATE "C"))
       ORDER BY sealed_at, id LIMIT $4`,
      [q.accountId, q.from === null ? null : new Date(q.from.ms), q.from?.id ?? '', q.limit + 1],
    );
    return pageOf(
      rows.map((row) => readEnvelope(this.#r, row)),
      q.limit,
      envelopeAccountCursor,
    );
  }
}

/** Service orders in PostgreSQL; `table` is the (schema-qualified) table name. */
export class PgOrders implements ServiceOrderStore {
  readonly #q: PgRenewalQuery;
  readonly #table: string;
  readonly #r: RowReader;
  readonly #clock: () => Date;

  constructor(q: PgRenewalQuery, table: string, reader: RowReader, clock: () => Date) {
    this.#q = q;
    this.#table = table;
    this.#r = reader;
    this.#clock = clock;
  }

  async create(order: NewServiceOrder): Promise<ServiceOrder> {
    const o = normalizeNewOrder(order, this.#clock());
    const rows = await this.#q(
      `INSERT INTO ${this.#table} (${ORDER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id`,
      orderValues(o, asIs),
    );
    if (rows.length !== 1) throw duplicateRecordId('order', o.id);
    return o;
  }

  async get(id: string): Promise<ServiceOrder | null> {
    const rows = await this.#q(`SELECT ${ORDER_COLUMNS} FROM ${this.#table} WHERE id = $1`, [checkId(id, 'id')]);
    const row = rows[0];
    return row === undefined ? null : readOrder(this.#r, row);
  }

  async transition(id: string, change: OrderTransition): Promise<ServiceOrder | null> {
    const t = checkOrderTransition(id, change, this.#clock());
    const found = await this.get(t.id);
    if (found === null) return null;
    if (found.state !== t.expectedState) throw orderChanged(found.id, t.expectedState, found.state);
    const next = transitionOrder(found, t.event, t.at);
    const rows = await this.#q(
      `UPDATE ${this.#table} SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4 RETURNING ${ORDER_COLUMNS}`,
      [next.state, next.updatedAt, t.id, t.expectedState],
    );
    const row = rows[0];
    if (row !== undefined) return readOrder(this.#r, row);
    const now = await this.get(t.id);
    if (now === null) return null;
    throw orderChanged(t.id, t.expectedState, now.state);
  }

  async listByAccount(accountId: string, query: OrderQuery): Promise<Page<ServiceOrder>> {
    const q = checkOrderQuery(accountId, query);
    const rows = await this.#q(
      `SELECT ${ORDER_COLUMNS} FROM ${this.#table}
       WHERE account_id = $1 AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR state = $3)
         AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::text COLLATE "C"))
       ORDER BY created_at DESC, id DESC LIMIT $6`,
      [q.accountId, q.kind, q.state, q.from === null ? null : new Date(q.from.ms), q.from?.id ?? '', q.limit + 1],
    );
    return pageOf(
      rows.map((row) => readOrder(this.#r, row)),
      q.limit,
      orderCursor,
    );
  }
}
