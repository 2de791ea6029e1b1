/**
 * The MySQL / MariaDB sealed-envelope and service-order stores. A state change locks the row first
 * (`SELECT ... FOR UPDATE` in a short transaction, or as part of the caller's): concurrent changes of
 * one row queue on the lock and each sees the state the one before it left, so exactly one applies.
 */
import { transitionOrder } from '../renewal/orders';
import type { MysqlDb } from './mysql';
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
import { isDuplicateKey, mysqlHash, mysqlTime } from './mysql';

/** Keyset condition "after (time, id)" (or before, for descending listings) and its values. */
function keyset(column: string, from: { readonly ms: number; readonly id: string }, op: '>' | '<'): [string, unknown[]] {
  const at = mysqlTime(new Date(from.ms));
  return [`(${column} ${op} ? OR (${column} = ? AND id ${op} ?))`, [at, at, from.id]];
}

/** Sealed envelopes in MySQL / MariaDB; `table` is the (database-qualified) table name. */
export class MysqlEnvelopes implements SealedEnvelopeStore {
  readonly #db: MysqlDb;
  readonly #table: string;
  readonly #r: RowReader;
  readonly #clock: () => Date;

  constructor(db: MysqlDb, table: string, reader: RowReader, clock: () => Date) {
    this.#db = db;
    this.#table = table;
    this.#r = reader;
    this.#clock = clock;
  }

  async record(envelope: NewSealedEnvelope): Promise<SealedEnvelope> {
    const e = normalizeNewEnvelope(envelope, this.#clock());
    try {
      await this.#db.run(
        `INSERT INTO ${this.#table} (${ENVELOPE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        envelopeValues(e, mysqlTime),
      );
    } catch (err) {
      if (isDuplicateKey(err)) throw duplicateRecordId('envelope', e.id);
      throw err;
    }
    return e;
  }

  async get(id: string): Promise<SealedEnvelope | null> {
    return this.#get(this.#db, checkId(id, 'id'), false);
  }

  async #get(db: MysqlDb, id: string, lock: boolean): Promise<SealedEnvelope | null> {
    const rows = await db.rows(`SELECT ${ENVELOPE_COLUMNS} FROM ${this.#table} WHERE id_hash = ? AND id = ?${lock ? ' FOR UPDATE' : ''}`, [
      mysqlHash(id),
      id,
    ]);
    const row = rows[0];
    return row === undefined ? null : readEnvelope(this.#r, row);
  }

  async #close(id: string, at: Date | undefined, status: 'opened' | 'withdrawn'): Promise<SealedEnvelope | null> {
    const c = checkEnvelopeClose(id, at, this.#clock());
    const when = mysqlTime(c.at);
    return this.#db.atomic(async (db) => {
      const current = await this.#get(db, c.id, true);
      if (current === null || current.status !== 'sealed') return null;
      await db.run(`UPDATE ${this.#table} SET status = ?, ${status === 'opened' ? 'opened_at' : 'withdrawn_at'} = ? WHERE id_hash = ? AND id = ?`, [
        status,
        when,
        mysqlHash(c.id),
        c.id,
      ]);
      return this.#get(db, c.id, false);
    });
  }

  async markOpened(id: string, at?: Date): Promise<SealedEnvelope | null> {
    return this.#close(id, at, 'opened');
  }

  async withdraw(id: string, at?: Date): Promise<SealedEnvelope | null> {
    return this.#close(id, at, 'withdrawn');
  }

  async listOpenByRecipient(sha256: string, query: OpenEnvelopeQuery): Promise<Page<SealedEnvelope>> {
    const q = checkOpenEnvelopeQuery(sha256, query);
    const where = ['recipient_sha256 = ?', "status = 'sealed'"];
    const values: unknown[] = [q.sha256];
    if (q.afterMs !== null) {
      where.push('opens_at > ?');
      values.push(mysqlTime(new Date(q.afterMs)));
    }
    if (q.from !== null) {
      const [cond, v] = keyset('opens_at', q.from, '>');
      where.push(cond);
      values.push(...v);
    }
    values.push(q.limit + 1);
    const rows = await this.#db.rows(
      `SELECT ${ENVELOPE_COLUMNS} FROM ${this.#table} WHERE ${where.join(' AND ')} ORDER BY opens_at, id LIMIT ?`,
      values,
    );
    return pageOf(this.#read(rows), q.limit, openEnvelopeCursor);
  }

  async listByAccount(accountId: string, query: AccountPageQuery): Promise<Page<SealedEnvelope>> {
    const q = checkEnvelopeAccountQuery(accountId, query);
    const where = ['account_id = ?'];
    const values: unknown[] = [q.accountId];
    if (q.from !== null) {
      const [cond, v] = keyset('sealed_at', q.from, '>');
      where.push(cond);
      values.push(...v);
    }
    values.push(q.limit + 1);
    const rows = await this.#db.rows(
      `SELECT ${ENVELOPE_COLUMNS} FROM ${this.#table} WHERE ${where.join(' AND ')} ORDER BY sealed_at, id LIMIT ?`,
      values,
    );
    return pageOf(this.#read(rows), q.limit, envelopeAccountCursor);
  }

  #read(rows: readonly Row[]): SealedEnvelope[] {
    return rows.map((row) => readEnvelope(this.#r, row));
  }
}

/** Service orders in MySQL / MariaDB; `table` is the (database-qualified) table name. */
export class MysqlOrders implements ServiceOrderStore {
  readonly #db: MysqlDb;
  readonly #table: string;
  readonly #r: RowReader;
  readonly #clock: () => Date;

  constructor(db: MysqlDb, table: string, reader: RowReader, clock: () => Date) {
    this.#db = db;
    this.#table = table;
    this.#r = reader;
    this.#clock = clock;
  }

  async create(order: NewServiceOrder): Promise<ServiceOrder> {
    const o = normalizeNewOrder(order, this.#clock());
    try {
      await this.#db.run(`INSERT INTO ${this.#table} (${ORDER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, orderValues(o, mysqlTime));
    } catch (err) {
      if (isDuplicateKey(err)) throw duplicateRecordId('order', o.id);
      throw err;
    }
    return o;
  }

  async get(id: string): Promise<ServiceOrder | null> {
    return this.#get(this.#db, checkId(id, 'id'), false);
  }

  async #get(db: MysqlDb, id: string, lock: boolean): Promise<ServiceOrder | null> {
    const rows = await db.rows(`SELECT ${ORDER_COLUMNS} FROM ${this.#table} WHERE id_hash = ? AND id = ?${lock ? ' FOR UPDATE' : ''}`, [
      mysqlHash(id),
      id,
    ]);
    const row = rows[0];
    return row === undefined ? null : readOrder(this.#r, row);
  }

  async transition(id: string, change: OrderTransition): Promise<ServiceOrder | null> {
    const t = checkOrderTransition(id, change, this.#clock());
    return this.#db.atomic(async (db) => {
      const found = await this.#get(db, t.id, true);
      if (found === null) return null;
      if (found.state !== t.expectedState) throw orderChanged(found.id, t.expectedState, found.state);
      const next = transitionOrder(found, t.event, t.at);
      await db.run(`UPDATE ${this.#table} SET state = ?, updated_at = ? WHERE id_hash = ? AND id = ?`, [
        next.state,
        mysqlTime(next.updatedAt),
        mysqlHash(t.id),
        t.id,
      ]);
      return this.#get(db, t.id, false);
    });
  }

  async listByAccount(accountId: string, query: OrderQuery): Promise<Page<ServiceOrder>> {
    const q = checkOrderQuery(accountId, query);
    const where = ['account_id = ?'];
    const values: unknown[] = [q.accountId];
    if (q.kind !== null) {
      where.push('kind = ?');
      values.push(q.kind);
    }
    if (q.state !== null) {
      where.push('state = ?');
      values.push(q.state);
    }
    if (q.from !== null) {
      const [cond, v] = keyset('created_at', q.from, '<');
      where.push(cond);
      values.push(...v);
    }
    values.push(q.limit + 1);
    const rows = await this.#db.rows(
      `SELECT ${ORDER_COLUMNS} FROM ${this.#table} WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`,
      values,
    );
    return pageOf(
      rows.map((row) => readOrder(this.#r, row)),
      q.limit,
      orderCursor,
    );
  }
}
