export {
  GMT0015_IDENTITY_OIDS,
  extractGenericIdentity,
  findIdentityCodes,
  maskPersonalId,
  type FoundCode,
  type GenericIdentity,
  type IdentitySource,
} from './generic';
