/**
 * Certificate expiry: where a certificate stands in its validity period, which reminder tier it has
 * reached, and the messages suppliers know (证书即将到期 / 证书已过期 / 证书未生效).
 */
export {
  assessExpiry,
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_EXPIRY_THRESHOLDS,
  type ExpiryAssessment,
  type ExpiryOptions,
  type ExpiryState,
  type ValidityPeriod,
} from './assess';
export { describeExpiry, type ExpiryMessage } from './describe';
