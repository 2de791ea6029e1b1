/**
 * @yizheng/core: CA certificate login, binding and enterprise-code checks for Chinese
 * procurement and public-resource-trading platforms.
 *
 * The main entry holds what a platform calls ({@link createYizheng} and the verbs it binds) and the
 * contracts a platform or a CA vendor implements. Certificates, enterprise codes, signatures, trust,
 * stores, providers and errors in depth live on subpaths: `@yizheng/core/cert`, `/codes`, `/crypto`,
 * `/trust`, `/stores`, `/providers`, `/errors`, `/http`; the page's code on `/client`.
 *
 * @packageDocumentation
 */
// One configured instance.
export { createYizheng, type Yizheng } from './instance/create-yizheng';
export type { CacheConfig, ResolvedConfig, YizhengConfig } from './instance/config';

// The verbs, standalone (each takes a context as its last argument).
export { issueChallenge, normalizeOrigin, type ChallengeContext, type ChallengeRequest, type IssuedChallenge } from './challenge/challenge';
export { verifyLogin, type LoginResult } from './login/verify-login';
export type { TokenRequest } from './token/verify-token';
export { bindCertificate, type Actor, type BindRequest, type TargetAccount } from './binding/bind';
export {
  BIND_CERTIFICATE_PERMISSION,
  authorize,
  isAuthorized,
  listBindings,
  listExpiringBindings,
  setBindingPermissions,
  unbindCertificate,
  type BindingListEntry,
  type CertificateSession,
  type ExpiringBindingsPage,
  type PasswordSession,
} from './binding/manage';
export type { CertificateTrust, ContextCaches, LoginWarning, ScopeConfig, TrustOutcome, YizhengContext } from './context/context';

// Errors.
export { YizhengError, httpStatusOf, isYizhengError, type ErrorDetails, type ErrorJson, type Locale, type YizhengErrorCode } from './errors/index';

// What configuring an instance needs most.
export { createCertificateTrust, type CertificateTrustOptions } from './trust/certificate-trust';
export { createGenericProvider, GENERIC_PROVIDER_ID } from './providers/generic';
export { createProviderRegistry, type ProviderMatch, type ProviderRegistry, type ProviderRegistryOptions } from './providers/registry';
export { parseCertificate } from './cert/parse';
export { Certificate, type CertificatePurpose, type SignatureAlgorithm } from './cert/certificate';
export type { CertificateInput } from './cert/input';

// Expiry reminders and the enterprise-code check, which pages show.
export { assessExpiry, describeExpiry, type ExpiryAssessment, type ExpiryMessage, type ExpiryOptions, type ExpiryState } from './expiry/index';
// Bids sealed to an encryption certificate about to be extended (more on `@yizheng/core/stores`).
export { assessRenewalRisk, describeRenewalReminder, type RenewalRisk, type RenewalRiskInput } from './renewal/index';
export { assertSameEnterprise, compareEnterpriseCodes, explainCodeMismatch, validateEnterpriseCode } from './codes/index';
export type { CodeComparison, CodeKind, CodeValidation } from './codes/index';

// The contracts a platform or a CA vendor implements.
export type {
  CaProvider,
  IdentityConflict,
  ProviderIdentity,
  ProviderServiceClient,
  ProviderTrust,
  Recognition,
  SignatureConventions,
} from './providers/contract';
export type { ProviderInfo, SupportContact } from './providers/info';
export type { PinStatus, TokenCertificate, TokenDriver, TokenEvent, TokenSignature, TokenSignatureFormat } from './client/token-driver';
export type {
  AuditEvent,
  AuditLog,
  Binding,
  BindingPermissions,
  BindingStore,
  CertificateFacts,
  ChallengePurpose,
  ChallengeStore,
  PendingChallenge,
  StoreSet,
  Stores,
} from './stores/types';
