/**
 * The SQLite sealed-envelope and service-order stores. Every write is one statement (a conditional
 * UPDATE ... RETURNING for the state changes), so each call is atomic on its own.
 */
import type { SQLInputValue, StatementSync } from 'node:sqlite';
import { transitionOrder } from '../renewal/orders';
import { ENVELOPE_COLUMNS, ORDER_COLUMNS, envelopeValues, orderValues, readEnvelope, readOrder } from './renewal-rows';
import type { Row, RowReader } from './rows';
import type { Direct } from './unit-of-work';
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

/** The SQLite adapter's prepared-statement cache. */
export interface SqliteStatements {
  /** The statement for `sql`, compiled once. */
  get(sql: string): StatementSync;
}

const epochMs = (d: Date): number => d.getTime();
const NO_POSITION = { ms: Number.MIN_SAFE_INTEGER, id: '' };

/** Sealed envelopes in SQLite. */
export class SqliteEnvelopes implements Direct<SealedEnvelopeStore> {
  readonly #s: SqliteStatements;
  readonly #r: RowReader;
  readonly #clock: () => Date;

  constructor(s: SqliteStatements, reader: RowReader, clock: () => Date) {
    this.#s = s;
    this.#r = reader;
    this.#clock = clock;
  }

  record(envelope: NewSealedEnvelope): SealedEnvelope {
    const e = normalizeNewEnvelope(envelope, this.#clock());
    const r = this.#s
      .get(`INSERT INTO yizheng_sealed_envelopes (${ENVELOPE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
      .run(...envelopeValues(e, epochMs));
    if (Number(r.changes) !== 1) throw duplicateRecordId('envelope', e.id);
    return e;
  }

  get(id: string): SealedEnvelope | null {
    const row = this.#s.get(`SELECT ${ENVELOPE_COLUMNS} FROM yizheng_sealed_envelopes WHERE id = ?`).get(checkId(id, 'id'));
    return row === undefined ? null : readEnvelope(this.#r, row);
  }

  markOpened(id: string, at?: Date): SealedEnvelope | null {
    const c = checkEnvelopeClose(id, at, this.#clock());
    const row = this.#s
      .get(`UPDATE yizheng_sealed_envelopes SET status = 'opened', opened_at = ? WHERE id = ? AND status = 'sealed' RETURNING ${ENVELOPE_COLUMNS}`)
      .get(c.at.getTime(), c.id);
    return row === undefined ? null : readEnvelope(this.#r, row);
  }

  withdraw(id: string, at?: Date): SealedEnvelope | null {
    const c = checkEnvelopeClose(id, at, this.#clock());
    const row = this.#s
      .get(`UPDATE yizheng_sealed_envelopes SET status = 'withdrawn', withdrawn_at = ? WHERE id = ? AND status = 'sealed' RETURNING ${ENVELOPE_COLUMNS}`)
      .get(c.at.getTime(), c.id);
    return row === undefined ? null : readEnvelope(this.#r, row);
  }

  listOpenByRecipient(sha256: string, query: OpenEnvelopeQuery): Page<SealedEnvelope> {
    const q = checkOpenEnvelopeQuery(sha256, query);
    const from = q.from ?? NO_POSITION;
    const rows = this.#s
      .get(
        `SELECT ${ENVELOPE_COLUMNS} FROM yizheng_sealed_envelopes
         WHERE recipient_sha256 = ? AND status = 'sealed' AND opens_at > ? AND (opens_at, id) > (?, ?)
         ORDER BY opens_at, id LIMIT ?`,
      )
      .all(q.sha256, q.afterMs ?? Number.MIN_SAFE_INTEGER, from.ms, from.id, q.limit + 1);
    return pageOf(this.#read(rows), q.limit, openEnvelopeCursor);
  }

  listByAccount(accountId: string, query: AccountPageQuery): Page<SealedEnvelope> {
    const q = checkEnvelopeAccountQuery(accountId, query);
    const from = q.from ?? NO_POSITION;
    const rows = this.#s
      .get(
        `SELECT ${ENVELOPE_COLUMNS} FROM yizheng_sealed_envelopes WHERE account_id = ? AND (sealed_at, id) > (?, ?)
         ORDER BY sealed_at, id LIMIT ?`,
      )
      .all(q.accountId, from.ms, from.id, q.limit + 1);
    return pageOf(this.#read(rows), q.limit, envelopeAccountCursor);
  }

  #read(rows: readonly Row[]): SealedEnvelope[] {
    return rows.map((row) => readEnvelope(this.#r, row));
  }
}

/** Service orders in SQLite. */
export class SqliteOrders implements Direct<ServiceOrderStore> {
  readonly #s: SqliteStatements;
  readonly #r: RowReader;
  readonly #clock: () => Date;

  constructor(s: SqliteStatements, reader: RowReader, clock: () => Date) {
    this.#s = s;
    this.#r = reader;
    this.#clock = clock;
  }

  create(order: NewServiceOrder): ServiceOrder {
    const o = normalizeNewOrder(order, this.#clock());
    const r = this.#s
      .get(`INSERT INTO yizheng_service_orders (${ORDER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
      .run(...orderValues(o, epochMs));
    if (Number(r.changes) !== 1) throw duplicateRecordId('order', o.id);
    return o;
  }

  get(id: string): ServiceOrder | null {
    const row = this.#s.get(`SELECT ${ORDER_COLUMNS} FROM yizheng_service_orders WHERE id = ?`).get(checkId(id, 'id'));
    return row === undefined ? null : readOrder(this.#r, row);
  }

  transition(id: string, change: OrderTransition): ServiceOrder | null {
    const t = checkOrderTransition(id, change, this.#clock());
    const found = this.get(t.id);
    if (found === null) return null;
    if (found.state !== t.expectedState) throw orderChanged(found.id, t.expectedState, found.state);
    const next = transitionOrder(found, t.event, t.at);
    // Conditional on the state read: another connection to the file may have moved the order since.
    const row = this.#s
      .get(`UPDATE yizheng_service_orders SET state = ?, updated_at = ? WHERE id = ? AND state = ? RETURNING ${ORDER_COLUMNS}`)
      .get(next.state, next.updatedAt.getTime(), t.id, t.expectedState);
    if (row !== undefined) return readOrder(this.#r, row);
    const now = this.get(t.id);
    if (now === null) return null;
    throw orderChanged(t.id, t.expectedState, now.state);
  }

  listByAccount(accountId: string, query: OrderQuery): Page<ServiceOrder> {
    const q = checkOrderQuery(accountId, query);
    const values: SQLInputValue[] = [q.accountId];
    let where = 'account_id = ?';
    if (q.kind !== null) {
      where += ' AND kind = ?';
      values.push(q.kind);
    }
    if (q.state !== null) {
      where += ' AND state = ?';
      values.push(q.state);
    }
    if (q.from !== null) {
      where += ' AND (created_at, id) < (?, ?)';
      values.push(q.from.ms, q.from.id);
    }
    const rows = this.#s
      .get(`SELECT ${ORDER_COLUMNS} FROM yizheng_service_orders WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...values, q.limit + 1);
    return pageOf(
      rows.map((row) => readOrder(this.#r, row)),
      q.limit,
      orderCursor,
    );
  }
}
