/**
 * @yizheng/core/providers: what a CA vendor builds a provider from — the contract, profile-based
 * recognition, identity strategies, the CA directory, and the generic GM/T 0015 rules.
 *
 * @module
 */
export type {
  CaProvider,
  ClientSignatureFormat,
  IdentityConflict,
  ProviderIdentity,
  ProviderServiceClient,
  ProviderTrust,
  Recognition,
  SignatureConventions,
  SignedDataConvention,
} from './contract';
export type { PinStatus, TokenCertificate, TokenDriver, TokenEvent, TokenSignature, TokenSignatureFormat } from '../client/token-driver';
export {
  createConfigurableProvider,
  type ConfigurableProviderBase,
  type ConfigurableProviderOptions,
  type ConfiguredIdentityOid,
} from './configurable';
export { createProfileProvider, defineProvider, type ProviderProfile } from './define';
export { CA_DIRECTORY, findCaInDirectory, type CaDirectoryEntry, type DirectoryIssuerName } from './directory';
export { GENERIC_PROVIDER_ID, createGenericProvider } from './generic';
export { defineProviderInfo, type ProviderInfo, type SupportContact } from './info';
export {
  checkRecognitionProfile,
  normalizeKeyId,
  recognizeByProfile,
  type EvidenceBasis,
  type HostRule,
  type IssuerNameRule,
  type KeyIdRule,
  type OidArcRule,
  type RecognitionProfile,
  type RecognitionRule,
  type SubjectRule,
} from './recognition';
export { createProviderRegistry, type ProviderMatch, type ProviderRegistry, type ProviderRegistryOptions } from './registry';
export {
  cleanIdentityText,
  extensionStrategy,
  extensionText,
  extractIdentityWith,
  gmt0015Strategy,
  isResidentId,
  parseIdentityCode,
  rawExtensionText,
  subjectCodeStrategy,
  subjectNameStrategy,
  type ExtensionStrategyOptions,
  type IdentityField,
  type IdentityFinding,
  type IdentityStrategy,
  type IdentityValueKind,
  type ParsedIdentityCode,
} from './strategies';
export { providerTrustAnchors } from './trust';
export {
  GMT0015_IDENTITY_OIDS,
  extractGenericIdentity,
  findIdentityCodes,
  maskPersonalId,
  type FoundCode,
  type GenericIdentity,
  type IdentitySource,
} from '../identity/generic';
export { deriveIdentityKey, enterpriseCodeOf } from '../identity/key';
