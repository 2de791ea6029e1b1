/**
 * Sealed bids and certificate renewal: the risk of extending or repairing an encryption certificate
 * while bids sealed to it wait for 开标, and the CA service-order state model.
 *
 * @module
 */
export {
  assessRenewalRisk,
  describeRenewalReminder,
  type RenewalRisk,
  type RenewalRiskInput,
  type RenewalText,
} from './risk';
export {
  nextOrderState,
  ORDER_EVENTS,
  ORDER_KIND_LABELS,
  ORDER_KINDS,
  ORDER_STATE_LABELS,
  ORDER_STATES,
  ORDER_TRANSITIONS,
  orderStateLabel,
  transitionOrder,
  type OrderMachine,
  type OrderText,
} from './orders';
