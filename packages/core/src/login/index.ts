export {
  CHALLENGE_FORMAT,
  DEFAULT_CHALLENGE_TTL_MS,
  consumeChallenge,
  formatChallengeText,
  issueChallenge,
  normalizeOrigin,
  type ChallengeContext,
  type ChallengeRequest,
  type IssuedChallenge,
} from './challenge';
export type { CertificateTrust, LoginWarning, ScopeConfig, TrustOutcome, YizhengContext } from './context';
export { MAX_TOKEN_BYTES, parseLoginToken, type LoginToken } from './token';
export { certificateFacts, findBinding, verifyLogin, type LoginResult } from './verify-login';
export { verifyToken, type TokenRequest, type VerifiedToken } from './verify-token';
export { createCertificateTrust, type CertificateTrustOptions } from './trust';
