/**
 * The in-memory sealed-envelope and service-order stores. They keep their rows in maps the memory
 * adapter journals, so a transaction's changes roll back with everything else.
 */
import { transitionOrder } from '../renewal/orders';
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
  SealedEnvelopeStatus,
  SealedEnvelopeStore,
  ServiceOrder,
  ServiceOrderStore,
} from './types';
import { checkId, compareExpiryKey } from './validate';
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

/** A map whose changes the memory adapter's transaction journal records. */
export interface JournaledRows<V> {
  /** The row with this key. */
  get(key: string): V | undefined;
  /** Sets a row. */
  set(key: string, value: V): void;
  /** Every row. */
  values(): IterableIterator<V>;
}

function copyEnvelope(e: SealedEnvelope): SealedEnvelope {
  let copy: SealedEnvelope = {
    ...e,
    recipient: { ...e.recipient },
    sealedAt: new Date(e.sealedAt.getTime()),
    opensAt: new Date(e.opensAt.getTime()),
  };
  if (e.openedAt !== undefined) copy = { ...copy, openedAt: new Date(e.openedAt.getTime()) };
  if (e.withdrawnAt !== undefined) copy = { ...copy, withdrawnAt: new Date(e.withdrawnAt.getTime()) };
  return copy;
}

function copyOrder(o: ServiceOrder): ServiceOrder {
  const copy: ServiceOrder = { ...o, createdAt: new Date(o.createdAt.getTime()), updatedAt: new Date(o.updatedAt.getTime()) };
  return o.certificate === undefined ? copy : { ...copy, certificate: { ...o.certificate } };
}

/** Sealed envelopes in memory. */
export class MemoryEnvelopes implements Direct<SealedEnvelopeStore> {
  readonly #rows: JournaledRows<SealedEnvelope>;
  readonly #clock: () => Date;

  constructor(rows: JournaledRows<SealedEnvelope>, clock: () => Date) {
    this.#rows = rows;
    this.#clock = clock;
  }

  record(envelope: NewSealedEnvelope): SealedEnvelope {
    const e = normalizeNewEnvelope(envelope, this.#clock());
    if (this.#rows.get(e.id) !== undefined) throw duplicateRecordId('envelope', e.id);
    this.#rows.set(e.id, e);
    return copyEnvelope(e);
  }

  get(id: string): SealedEnvelope | null {
    const found = this.#rows.get(checkId(id, 'id'));
    return found === undefined ? null : copyEnvelope(found);
  }

  markOpened(id: string, at?: Date): SealedEnvelope | null {
    return this.#close(id, at, 'opened');
  }

  withdraw(id: string, at?: Date): SealedEnvelope | null {
    return this.#close(id, at, 'withdrawn');
  }

  listOpenByRecipient(sha256: string, query: OpenEnvelopeQuery): Page<SealedEnvelope> {
    const q = checkOpenEnvelopeQuery(sha256, query);
    const found = [...this.#rows.values()]
      .filter(
        (e) =>
          e.recipient.sha256 === q.sha256 &&
          e.status === 'sealed' &&
          (q.afterMs === null || e.opensAt.getTime() > q.afterMs) &&
          (q.from === null || compareExpiryKey(e.opensAt.getTime(), e.id, q.from.ms, q.from.id) > 0),
      )
      .sort((a, b) => compareExpiryKey(a.opensAt.getTime(), a.id, b.opensAt.getTime(), b.id))
      .slice(0, q.limit + 1)
      .map(copyEnvelope);
    return pageOf(found, q.limit, openEnvelopeCursor);
  }

  listByAccount(accountId: string, query: AccountPageQuery): Page<SealedEnvelope> {
    const q = checkEnvelopeAccountQuery(accountId, query);
    const found = [...this.#rows.values()]
      .filter((e) => e.accountId === q.accountId && (q.from === null || compareExpiryKey(e.sealedAt.getTime(), e.id, q.from.ms, q.from.id) > 0))
      .sort((a, b) => compareExpiryKey(a.sealedAt.getTime(), a.id, b.sealedAt.getTime(), b.id))
      .slice(0, q.limit + 1)
      .map(copyEnvelope);
    return pageOf(found, q.limit, envelopeAccountCursor);
  }

  #close(id: string, at: Date | undefined, status: Exclude<SealedEnvelopeStatus, 'sealed'>): SealedEnvelope | null {
    const c = checkEnvelopeClose(id, at, this.#clock());
    const found = this.#rows.get(c.id);
    if (found === undefined || found.status !== 'sealed') return null;
    const updated: SealedEnvelope = status === 'opened' ? { ...found, status, openedAt: c.at } : { ...found, status, withdrawnAt: c.at };
    this.#rows.set(found.id, updated);
    return copyEnvelope(updated);
  }
}

/** Service orders in memory. */
export class MemoryOrders implements Direct<ServiceOrderStore> {
  readonly #rows: JournaledRows<ServiceOrder>;
  readonly #clock: () => Date;

  constructor(rows: JournaledRows<ServiceOrder>, clock: () => Date) {
    this.#rows = rows;
    this.#clock = clock;
  }

  create(order: NewServiceOrder): ServiceOrder {
    const o = normalizeNewOrder(order, this.#clock());
    if (this.#rows.get(o.id) !== undefined) throw duplicateRecordId('order', o.id);
    this.#rows.set(o.id, o);
    return copyOrder(o);
  }

  get(id: string): ServiceOrder | null {
    const found = this.#rows.get(checkId(id, 'id'));
    return found === undefined ? null : copyOrder(found);
  }

  transition(id: string, change: OrderTransition): ServiceOrder | null {
    const t = checkOrderTransition(id, change, this.#clock());
    const found = this.#rows.get(t.id);
    if (found === undefined) return null;
    if (found.state !== t.expectedState) throw orderChanged(found.id, t.expectedState, found.state);
    const updated = transitionOrder(found, t.event, t.at);
    this.#rows.set(found.id, updated);
    return copyOrder(updated);
  }

  listByAccount(accountId: string, query: OrderQuery): Page<ServiceOrder> {
    const q = checkOrderQuery(accountId, query);
    const found = [...this.#rows.values()]
      .filter(
        (o) =>
          o.accountId === q.accountId &&
          (q.kind === null || o.kind === q.kind) &&
          (q.state === null || o.state === q.state) &&
          (q.from === null || compareExpiryKey(o.createdAt.getTime(), o.id, q.from.ms, q.from.id) < 0),
      )
      .sort((a, b) => compareExpiryKey(b.createdAt.getTime(), b.id, a.createdAt.getTime(), a.id))
      .slice(0, q.limit + 1)
      .map(copyOrder);
    return pageOf(found, q.limit, orderCursor);
  }
}
