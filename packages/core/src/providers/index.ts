export { defineProviderInfo, type ProviderInfo, type SupportContact } from './info';
