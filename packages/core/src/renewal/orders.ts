/**
 * CA service orders (申领, 续费与延期, 修复, 冻结/解冻) as a small state model: each kind's states, the
 * events allowed in each, and the labels a platform's order list shows (e.g. 已续费，未延期).
 */
import { YizhengError } from '../errors/index';
import type { ServiceOrder, ServiceOrderEvent, ServiceOrderKind, ServiceOrderState } from '../stores/types';

/** A text in both languages. */
export interface OrderText {
  /** Chinese. */
  readonly 'zh-CN': string;
  /** English. */
  readonly en: string;
}

/** One kind's state machine: where an order starts and which event leads from which state to which. */
export interface OrderMachine {
  /** The state a new order is in. */
  readonly initial: ServiceOrderState;
  /** For each state the kind uses, the events allowed in it and the state each leads to. */
  readonly transitions: Readonly<Partial<Record<ServiceOrderState, Readonly<Partial<Record<ServiceOrderEvent, ServiceOrderState>>>>>>;
}

/**
 * The allowed transitions of each kind:
 * - `issue` (申领): created → paid → issued; cancel while created or paid;
 * - `renewal` (续费与延期): created → paid (已续费，未延期) → extended (已延期); cancel while created or paid;
 * - `repair` (修复): created → repaired; cancel while created;
 * - `freeze` (冻结/解冻): frozen ⇄ unfrozen.
 * States without entries (issued, extended, repaired, cancelled) are final.
 */
export const ORDER_TRANSITIONS: Readonly<Record<ServiceOrderKind, OrderMachine>> = Object.freeze({
  issue: {
    initial: 'created',
    transitions: { created: { pay: 'paid', cancel: 'cancelled' }, paid: { issue: 'issued', cancel: 'cancelled' }, issued: {}, cancelled: {} },
  },
  renewal: {
    initial: 'created',
    transitions: { created: { pay: 'paid', cancel: 'cancelled' }, paid: { extend: 'extended', cancel: 'cancelled' }, extended: {}, cancelled: {} },
  },
  repair: {
    initial: 'created',
    transitions: { created: { repair: 'repaired', cancel: 'cancelled' }, repaired: {}, cancelled: {} },
  },
  freeze: {
    initial: 'frozen',
    transitions: { frozen: { unfreeze: 'unfrozen' }, unfrozen: { freeze: 'frozen' } },
  },
} satisfies Record<ServiceOrderKind, OrderMachine>);

/** Every order kind. */
export const ORDER_KINDS: readonly ServiceOrderKind[] = Object.freeze(['issue', 'renewal', 'repair', 'freeze']);
/** Every order state. */
export const ORDER_STATES: readonly ServiceOrderState[] = Object.freeze(['created', 'paid', 'issued', 'extended', 'repaired', 'cancelled', 'frozen', 'unfrozen']);
/** Every order event. */
export const ORDER_EVENTS: readonly ServiceOrderEvent[] = Object.freeze(['pay', 'issue', 'extend', 'repair', 'cancel', 'freeze', 'unfreeze']);

/** The name of each kind, as an order list titles it. */
export const ORDER_KIND_LABELS: Readonly<Record<ServiceOrderKind, OrderText>> = Object.freeze({
  issue: { 'zh-CN': '证书申领', en: 'Certificate application' },
  renewal: { 'zh-CN': 'CA续费与延期', en: 'Renewal and extension' },
  repair: { 'zh-CN': '证书修复', en: 'Certificate repair' },
  freeze: { 'zh-CN': '证书冻结/解冻', en: 'Freeze and unfreeze' },
});

/** Each kind's label for each state it uses, as an order list shows it. */
export const ORDER_STATE_LABELS: Readonly<Record<ServiceOrderKind, Readonly<Partial<Record<ServiceOrderState, OrderText>>>>> = Object.freeze({
  issue: {
    created: { 'zh-CN': '已提交，待付款', en: 'Submitted, awaiting payment' },
    paid: { 'zh-CN': '已付款，待发证', en: 'Paid, awaiting issue' },
    issued: { 'zh-CN': '已发证', en: 'Issued' },
    cancelled: { 'zh-CN': '已取消', en: 'Cancelled' },
  },
  renewal: {
    created: { 'zh-CN': '已提交，待续费', en: 'Submitted, awaiting payment' },
    paid: { 'zh-CN': '已续费，未延期', en: 'Paid, not yet extended' },
    extended: { 'zh-CN': '已延期', en: 'Extended' },
    cancelled: { 'zh-CN': '已取消', en: 'Cancelled' },
  },
  repair: {
    created: { 'zh-CN': '已提交，待修复', en: 'Submitted, awaiting repair' },
    repaired: { 'zh-CN': '已修复', en: 'Repaired' },
    cancelled: { 'zh-CN': '已取消', en: 'Cancelled' },
  },
  freeze: {
    frozen: { 'zh-CN': '已冻结', en: 'Frozen' },
    unfrozen: { 'zh-CN': '已解冻', en: 'Unfrozen' },
  },
});

/** The label of a kind's state; a state the kind does not use reads as its bare name. */
export function orderStateLabel(kind: ServiceOrderKind, state: ServiceOrderState): OrderText {
  return ORDER_STATE_LABELS[kind][state] ?? { 'zh-CN': state, en: state };
}

/** The state `event` leads to from `state` in an order of `kind`, or `null` when it is not allowed. */
export function nextOrderState(kind: ServiceOrderKind, state: ServiceOrderState, event: ServiceOrderEvent): ServiceOrderState | null {
  const machine = Object.hasOwn(ORDER_TRANSITIONS, kind) ? ORDER_TRANSITIONS[kind] : undefined;
  const from = machine !== undefined && Object.hasOwn(machine.transitions, state) ? machine.transitions[state] : undefined;
  const to = from !== undefined && Object.hasOwn(from, event) ? from[event] : undefined;
  return to ?? null;
}

/**
 * The order after `event` at `at`: its new state, `updatedAt` set to `at`. Pure: the order passed in
 * is not changed. Throws `ORDER_TRANSITION_INVALID` when the event is not allowed in the order's state,
 * and `INVALID_ARGUMENT` for an unknown event or an invalid date.
 *
 * @example
 * ```ts
 * const paid = transitionOrder(order, 'pay', new Date()); // renewal: 已续费，未延期
 * const extended = transitionOrder(paid, 'extend', new Date()); // 已延期
 * ```
 */
export function transitionOrder(order: ServiceOrder, event: ServiceOrderEvent, at: Date): ServiceOrder {
  if (!ORDER_EVENTS.includes(event)) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: `event must be one of ${ORDER_EVENTS.join(', ')}` });
  }
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new YizhengError('INVALID_ARGUMENT', { reason: 'at must be a valid Date' });
  const next = nextOrderState(order.kind, order.state, event);
  if (next === null) {
    const label = orderStateLabel(order.kind, order.state);
    throw new YizhengError('ORDER_TRANSITION_INVALID', {
      orderId: order.id,
      kind: order.kind,
      state: order.state,
      event,
      stateLabel: label['zh-CN'],
      stateLabelEn: label.en,
    });
  }
  return { ...order, state: next, updatedAt: new Date(at.getTime()) };
}
