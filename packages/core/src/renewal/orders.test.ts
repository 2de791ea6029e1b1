import { describe, expect, it } from 'vitest';
import { isYizhengError } from '../errors/index';
import type { ServiceOrder, ServiceOrderEvent, ServiceOrderKind, ServiceOrderState } from '../stores/types';
import {
  nextOrderState,
  ORDER_EVENTS,
  ORDER_KIND_LABELS,
  ORDER_KINDS,
  ORDER_STATE_LABELS,
  ORDER_STATES,
  ORDER_TRANSITIONS,
  orderStateLabel,
  transitionOrder,
} from './orders';

const T0 = new Date('2025-03-01T08:00:00.000Z');
const T1 = new Date('2025-03-02T08:00:00.000Z');

/** The allowed transitions, spelt out: kind → "from --event--> to". */
const ALLOWED: Record<ServiceOrderKind, readonly string[]> = {
  issue: ['created --pay--> paid', 'created --cancel--> cancelled', 'paid --issue--> issued', 'paid --cancel--> cancelled'],
  renewal: ['created --pay--> paid', 'created --cancel--> cancelled', 'paid --extend--> extended', 'paid --cancel--> cancelled'],
  repair: ['created --repair--> repaired', 'created --cancel--> cancelled'],
  freeze: ['frozen --unfreeze--> unfrozen', 'unfrozen --freeze--> frozen'],
};

function order(kind: ServiceOrderKind, state: ServiceOrderState): ServiceOrder {
  return { id: 'o1', kind, state, accountId: 'a1', organizationId: 'org1', createdAt: T0, updatedAt: T0 };
}

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    return isYizhengError(err) ? err.code : 'not a YizhengError';
  }
}

describe('the service-order state model', () => {
  it('allows exactly the listed transitions', () => {
    for (const kind of ORDER_KINDS) {
      const found: string[] = [];
      for (const state of ORDER_STATES) {
        for (const event of ORDER_EVENTS) {
          const to = nextOrderState(kind, state, event);
          if (to !== null) found.push(`${state} --${event}--> ${to}`);
        }
      }
      expect(found.sort(), kind).toEqual([...ALLOWED[kind]].sort());
    }
  });

  it.each(ORDER_KINDS.flatMap((kind) => ORDER_STATES.flatMap((state) => ORDER_EVENTS.map((event) => [kind, state, event] as const))))(
    '%s: %s on %s transitions as the table says, or throws ORDER_TRANSITION_INVALID',
    (kind, state, event) => {
      const from = order(kind, state);
      const to = nextOrderState(kind, state, event);
      if (to === null) {
        expect(codeOf(() => transitionOrder(from, event, T1))).toBe('ORDER_TRANSITION_INVALID');
      } else {
        expect(transitionOrder(from, event, T1)).toEqual({ ...from, state: to, updatedAt: T1 });
      }
      // Pure: the order passed in is unchanged.
      expect(from).toEqual(order(kind, state));
    },
  );

  it('starts renewals, applications and repairs as created, freezes as frozen; final states allow nothing', () => {
    expect(Object.fromEntries(ORDER_KINDS.map((k) => [k, ORDER_TRANSITIONS[k].initial]))).toEqual({
      issue: 'created',
      renewal: 'created',
      repair: 'created',
      freeze: 'frozen',
    });
    for (const state of ['issued', 'extended', 'repaired', 'cancelled'] as const) {
      for (const kind of ORDER_KINDS) {
        for (const event of ORDER_EVENTS) expect(nextOrderState(kind, state, event)).toBeNull();
      }
    }
  });

  it('names the refused transition in both languages', () => {
    try {
      transitionOrder(order('renewal', 'created'), 'extend', T1);
      expect.unreachable();
    } catch (err) {
      if (!isYizhengError(err, 'ORDER_TRANSITION_INVALID')) throw err;
      expect(err.details).toEqual({
        orderId: 'o1',
        kind: 'renewal',
        state: 'created',
        event: 'extend',
        stateLabel: '已提交，待续费',
        stateLabelEn: 'Submitted, awaiting payment',
      });
      expect(err.message).toContain('已提交，待续费');
      expect(err.toJSON().message.en).toContain('extend');
    }
  });

  it('rejects unknown events and invalid dates with INVALID_ARGUMENT', () => {
    expect(codeOf(() => transitionOrder(order('renewal', 'created'), 'renew' as ServiceOrderEvent, T1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => transitionOrder(order('renewal', 'created'), 'pay', new Date(Number.NaN)))).toBe('INVALID_ARGUMENT');
    expect(nextOrderState('renewal', 'created', 'toString' as ServiceOrderEvent)).toBeNull();
    expect(nextOrderState('constructor' as ServiceOrderKind, 'created', 'pay')).toBeNull();
  });

  it('labels every state a kind uses, in Chinese and English', () => {
    expect(orderStateLabel('renewal', 'paid')).toEqual({ 'zh-CN': '已续费，未延期', en: 'Paid, not yet extended' });
    expect(orderStateLabel('renewal', 'extended')['zh-CN']).toBe('已延期');
    expect(ORDER_KIND_LABELS.renewal['zh-CN']).toBe('CA续费与延期');
    for (const kind of ORDER_KINDS) {
      const used = Object.keys(ORDER_TRANSITIONS[kind].transitions).sort();
      expect(Object.keys(ORDER_STATE_LABELS[kind]).sort(), kind).toEqual(used);
      for (const state of used) {
        const label = orderStateLabel(kind, state as ServiceOrderState);
        expect(label['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
        expect(label.en).toMatch(/^[A-Z]/);
      }
      expect(ORDER_KIND_LABELS[kind]['zh-CN'].length).toBeGreaterThan(0);
    }
    // A state the kind does not use reads as its bare name.
    expect(orderStateLabel('freeze', 'paid')).toEqual({ 'zh-CN': 'paid', en: 'paid' });
  });
});
