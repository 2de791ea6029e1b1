/**
 * Input checks, normalisation, cursors and the errors of the sealed-envelope and service-order stores,
 * shared by every adapter so that all of them accept, reject and store the same things.
 */
import { randomUUID } from 'node:crypto';
import { YizhengError } from '../errors/index';
import { ORDER_EVENTS, ORDER_KINDS, ORDER_STATES, ORDER_TRANSITIONS } from '../renewal/orders';
import type {
  AccountPageQuery,
  EnvelopeRecipient,
  NewSealedEnvelope,
  NewServiceOrder,
  OpenEnvelopeQuery,
  OrderQuery,
  OrderTransition,
  SealedEnvelope,
  ServiceOrder,
  ServiceOrderEvent,
  ServiceOrderKind,
  ServiceOrderState,
} from './types';
import { checkDate, checkId, checkLimit, checkText, isStorableText } from './validate';

function invalid(reason: string): YizhengError {
  return new YizhengError('INVALID_ARGUMENT', { reason });
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(`${what} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** A checked order kind. */
export function checkOrderKind(value: unknown): ServiceOrderKind {
  return oneOf(value, ORDER_KINDS, 'kind');
}

/** A checked order state. */
export function checkOrderState(value: unknown, what = 'state'): ServiceOrderState {
  return oneOf(value, ORDER_STATES, what);
}

/** A checked order event. */
export function checkOrderEvent(value: unknown): ServiceOrderEvent {
  return oneOf(value, ORDER_EVENTS, 'event');
}

function checkRecipient(r: EnvelopeRecipient): EnvelopeRecipient {
  if (typeof r !== 'object' || (r as unknown) === null) throw invalid('recipient must be an object');
  const recipient: EnvelopeRecipient = {
    sha256: checkId(r.sha256, 'recipient.sha256'),
    serialNumber: checkId(r.serialNumber, 'recipient.serialNumber'),
    issuerDn: checkText(r.issuerDn, 'recipient.issuerDn'),
  };
  return r.providerId === undefined ? recipient : { ...recipient, providerId: checkId(r.providerId, 'recipient.providerId') };
}

/** The complete envelope a record stores, `sealed`, defaults applied. */
export function normalizeNewEnvelope(e: NewSealedEnvelope, now: Date): SealedEnvelope {
  if (typeof e !== 'object' || (e as unknown) === null) throw invalid('envelope must be an object');
  const sealedAt = e.sealedAt === undefined ? new Date(now.getTime()) : checkDate(e.sealedAt, 'sealedAt');
  const opensAt = checkDate(e.opensAt, 'opensAt');
  if (opensAt.getTime() <= sealedAt.getTime()) throw invalid('opensAt must be after sealedAt');
  return {
    id: e.id === undefined ? randomUUID() : checkId(e.id, 'id'),
    projectId: checkId(e.projectId, 'projectId'),
    bidId: checkId(e.bidId, 'bidId'),
    accountId: checkId(e.accountId, 'accountId'),
    organizationId: checkId(e.organizationId, 'organizationId'),
    recipient: checkRecipient(e.recipient),
    sealedAt,
    opensAt,
    status: 'sealed',
  };
}

/** The checked arguments of `markOpened` and `withdraw`. */
export function checkEnvelopeClose(id: unknown, at: unknown, now: Date): { id: string; at: Date } {
  return { id: checkId(id, 'id'), at: at === undefined ? new Date(now.getTime()) : checkDate(at, 'at') };
}

/** A keyset position: (time in ms, id). */
export interface KeyPosition {
  /** Time, ms. */
  readonly ms: number;
  /** Id. */
  readonly id: string;
}

/** A checked open-envelope query with the cursor decoded. */
export interface OpenEnvelopeScan {
  /** The recipient's SHA-256. */
  readonly sha256: string;
  /** Exclusive lower bound on opensAt, ms, or null. */
  readonly afterMs: number | null;
  /** Resume strictly after this (opensAt, id). */
  readonly from: KeyPosition | null;
  /** Page size. */
  readonly limit: number;
}

/** Checks an open-envelope query. */
export function checkOpenEnvelopeQuery(sha256: unknown, q: OpenEnvelopeQuery): OpenEnvelopeScan {
  const hash = checkId(sha256, 'sha256');
  if (typeof q !== 'object' || (q as unknown) === null) throw invalid('query must be an object');
  return {
    sha256: hash,
    afterMs: q.opensAfter === undefined ? null : checkDate(q.opensAfter, 'opensAfter').getTime(),
    from: decodePosition(q.cursor, 'r'),
    limit: checkLimit(q.limit),
  };
}

/** A checked by-account query with the cursor decoded. */
export interface AccountScan {
  /** The account. */
  readonly accountId: string;
  /** Resume strictly past this position. */
  readonly from: KeyPosition | null;
  /** Page size. */
  readonly limit: number;
}

/** Checks an envelope by-account query. */
export function checkEnvelopeAccountQuery(accountId: unknown, q: AccountPageQuery): AccountScan {
  const account = checkId(accountId, 'accountId');
  if (typeof q !== 'object' || (q as unknown) === null) throw invalid('query must be an object');
  return { accountId: account, from: decodePosition(q.cursor, 'v'), limit: checkLimit(q.limit) };
}

/** A checked order by-account query with the cursor decoded. */
export interface OrderScan extends AccountScan {
  /** Kind filter. */
  readonly kind: ServiceOrderKind | null;
  /** State filter. */
  readonly state: ServiceOrderState | null;
}

/** Checks an order by-account query. */
export function checkOrderQuery(accountId: unknown, q: OrderQuery): OrderScan {
  const account = checkId(accountId, 'accountId');
  if (typeof q !== 'object' || (q as unknown) === null) throw invalid('query must be an object');
  return {
    accountId: account,
    kind: q.kind === undefined ? null : checkOrderKind(q.kind),
    state: q.state === undefined ? null : checkOrderState(q.state),
    from: decodePosition(q.cursor, 'o'),
    limit: checkLimit(q.limit),
  };
}

/** The cursor after this envelope in an open-by-recipient listing. */
export function openEnvelopeCursor(e: SealedEnvelope): string {
  return encodePosition('r', e.opensAt.getTime(), e.id);
}

/** The cursor after this envelope in a by-account listing. */
export function envelopeAccountCursor(e: SealedEnvelope): string {
  return encodePosition('v', e.sealedAt.getTime(), e.id);
}

/** The cursor after this order in a by-account listing. */
export function orderCursor(o: ServiceOrder): string {
  return encodePosition('o', o.createdAt.getTime(), o.id);
}

/** A page out of `limit + 1` items: the first `limit`, and a cursor when there was one more. */
export function pageOf<T>(items: readonly T[], limit: number, cursor: (item: T) => string): { items: T[]; nextCursor: string | null } {
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page, nextCursor: items.length > limit && last !== undefined ? cursor(last) : null };
}

function encodePosition(kind: string, ms: number, id: string): string {
  return Buffer.from(JSON.stringify([kind, ms, id]), 'utf8').toString('base64url');
}

function decodePosition(cursor: unknown, kind: string): KeyPosition | null {
  if (cursor === undefined || cursor === null) return null;
  const bad = (): YizhengError => invalid('cursor is not one this listing returned');
  if (typeof cursor !== 'string' || cursor.length > 16_384) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== kind) throw bad();
  const [, ms, id] = parsed as unknown[];
  if (typeof ms !== 'number' || !Number.isFinite(ms) || typeof id !== 'string' || !isStorableText(id)) throw bad();
  return { ms, id };
}

/** The complete order a create stores, in its kind's initial state, defaults applied. */
export function normalizeNewOrder(o: NewServiceOrder, now: Date): ServiceOrder {
  if (typeof o !== 'object' || (o as unknown) === null) throw invalid('order must be an object');
  const kind = checkOrderKind(o.kind);
  const createdAt = o.createdAt === undefined ? new Date(now.getTime()) : checkDate(o.createdAt, 'createdAt');
  let order: ServiceOrder = {
    id: o.id === undefined ? randomUUID() : checkId(o.id, 'id'),
    kind,
    state: ORDER_TRANSITIONS[kind].initial,
    accountId: checkId(o.accountId, 'accountId'),
    organizationId: checkId(o.organizationId, 'organizationId'),
    createdAt,
    updatedAt: new Date(createdAt.getTime()),
  };
  if (o.providerId !== undefined) order = { ...order, providerId: checkId(o.providerId, 'providerId') };
  if (o.certificate !== undefined) {
    if (typeof o.certificate !== 'object' || (o.certificate as unknown) === null) throw invalid('certificate must be an object');
    order = {
      ...order,
      certificate: {
        serialNumber: checkId(o.certificate.serialNumber, 'certificate.serialNumber'),
        sha256: checkId(o.certificate.sha256, 'certificate.sha256'),
      },
    };
  }
  if (o.reference !== undefined) order = { ...order, reference: checkId(o.reference, 'reference') };
  return order;
}

/** The checked arguments of `ServiceOrderStore.transition`, the time defaulted. */
export function checkOrderTransition(id: unknown, change: OrderTransition, now: Date): { id: string; event: ServiceOrderEvent; expectedState: ServiceOrderState; at: Date } {
  const orderId = checkId(id, 'id');
  if (typeof change !== 'object' || (change as unknown) === null) throw invalid('change must be an object');
  return {
    id: orderId,
    event: checkOrderEvent(change.event),
    expectedState: checkOrderState(change.expectedState, 'expectedState'),
    at: change.at === undefined ? new Date(now.getTime()) : checkDate(change.at, 'at'),
  };
}

/** The error for a transition from a state the order is no longer in. */
export function orderChanged(orderId: string, expectedState: ServiceOrderState, actualState: ServiceOrderState): YizhengError {
  return new YizhengError('ORDER_CHANGED', { orderId, expectedState, actualState });
}

/** The error for an id that is already used by another record. */
export function duplicateRecordId(what: 'envelope' | 'order', id: string): YizhengError {
  return invalid(`an ${what} with id ${id} already exists`);
}
