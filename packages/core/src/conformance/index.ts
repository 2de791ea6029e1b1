/**
 * The provider conformance suite: `runProviderConformance(provider, fixtures)` registers vitest
 * tests that prove a CA provider meets the `CaProvider` contract (recognition of its own
 * certificates and of no one else's, the expected identity, no throw on hostile input, sane
 * signature conventions, the browser driver's error mapping). The checks are also exported as
 * plain functions returning the problems they find.
 *
 * Needs `vitest` (an optional peer dependency of `@yizheng/core`); ESM test files only.
 *
 * @module
 */
export {
  runProviderConformance,
  type ConformanceFixtures,
  type OwnCertificateFixture,
  type SignatureFixture,
} from './run';
export {
  definitionProblems,
  driverErrorProblems,
  foreignRecognitionProblems,
  freeTextProblems,
  identityProblems,
  identityShapeProblems,
  infoProblems,
  ownRecognitionProblems,
  registryProblems,
  robustnessProblems,
  signatureConventionProblems,
  signatureSampleProblems,
  type ExpectedIdentity,
  type SignatureSample,
} from './checks';
export {
  PLANTED_USCC,
  freeTextCertificates,
  lookAlikeCertificates,
  mutantCertificates,
  neutralCertificates,
  toCertificate,
  type ConformanceCertificate,
  type NamedCertificate,
} from './fixtures';
export {
  gmt0015ProfileFixtures,
  testKitSignature,
  type Gmt0015ProfileFixtures,
  type Gmt0015ProfileOptions,
} from './vendor-fixtures';
export { describeStoreContract, type StoreFactory } from '../stores/contract';
