export type { CaProvider, ProviderIdentity, Recognition, SignatureConventions } from './contract';
export { GENERIC_PROVIDER_ID, createGenericProvider } from './generic';
export { defineProviderInfo, type ProviderInfo, type SupportContact } from './info';
export { createProviderRegistry, type ProviderMatch, type ProviderRegistry, type ProviderRegistryOptions } from './registry';
