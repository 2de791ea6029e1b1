/**
 * Challenges: 32 random bytes bound to a session, an origin and a purpose, stored server-side and
 * usable once. The text the key signs names all of them, so a signature made for one site or purpose
 * is worthless for another.
 */
import { randomBytes } from 'node:crypto';
import { YizhengError, type Locale } from '../errors/index';
import type { ChallengePurpose, ChallengeStore, PendingChallenge } from '../stores/index';
import { nowOf } from '../context/defaults';
import { inLocale } from '../context/localize';

/** The challenge text's format version; also the login token's `format`. */
export const CHALLENGE_FORMAT = 'yizheng:1';

/** Default time a challenge stays acceptable: 5 minutes, as Web eID. */
export const DEFAULT_CHALLENGE_TTL_MS = 5 * 60 * 1000;

const MAX_SESSION_ID = 256;

/** What {@link issueChallenge} needs to know about the request. */
export interface ChallengeRequest {
  /** The platform's session id (from its own session cookie, never from the page's body). */
  readonly sessionId: string;
  /** The page's origin as the platform configures it, e.g. `https://bid.example.gov.cn`. */
  readonly origin: string;
  /** `login` or `bind`. */
  readonly purpose: ChallengePurpose;
}

/** What {@link issueChallenge} uses of the context. */
export interface ChallengeContext {
  readonly stores: { readonly challenges: ChallengeStore };
  /** The clock; default `() => new Date()`. */
  readonly clock?: () => Date;
  /** How long a challenge stays acceptable; default 5 minutes. */
  readonly challengeTtlMs?: number;
  /** Locale of the messages of thrown errors; default zh-CN. */
  readonly locale?: Locale;
}

/** An issued challenge: send `text` to the page, which has the key sign exactly these bytes. */
export interface IssuedChallenge {
  /** The exact ASCII text to sign. */
  readonly text: string;
  /** The nonce (base64url, 43 characters). */
  readonly nonce: string;
  /** When the challenge stops being acceptable. */
  readonly expiresAt: Date;
  /** The purpose it was issued for. */
  readonly purpose: ChallengePurpose;
}

/**
 * Checks an origin is a serialised web origin (scheme, lower-case ASCII host, optional non-default
 * port; no path, no trailing slash) and returns it. An IDN host must be given in punycode, so the
 * signed text stays ASCII; the error names the expected spelling.
 */
export function normalizeOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new YizhengError('INVALID_ARGUMENT', { reason: `origin "${origin}" is not a URL` });
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin === 'null') {
    throw new YizhengError('INVALID_ARGUMENT', { reason: `origin "${origin}" must be http(s)` });
  }
  // Strict: exactly the serialised origin, so the signed text has one spelling per site.
  if (url.origin !== origin) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: `"${origin}" is not a bare origin (expected ${url.origin})` });
  }
  return url.origin;
}

/** Builds the signed text. The platform rebuilds it from its own stored challenge, never from the token. */
export function formatChallengeText(challenge: Pick<PendingChallenge, 'purpose' | 'origin' | 'nonce' | 'expiresAt'>): string {
  return `${CHALLENGE_FORMAT}|${challenge.purpose}|${challenge.origin}|${challenge.nonce}|${challenge.expiresAt.toISOString()}`;
}

function checkSessionId(sessionId: string): void {
  if (typeof sessionId !== 'string' || sessionId.length === 0 || sessionId.length > MAX_SESSION_ID) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: `sessionId must be 1 to ${MAX_SESSION_ID} characters` });
  }
}

/**
 * Issues a challenge for a session: stores it (replacing any pending one of the same purpose) and
 * returns the text to sign.
 */
export async function issueChallenge(request: ChallengeRequest, context: ChallengeContext): Promise<IssuedChallenge> {
  return inLocale(context.locale, () => issueChallengeUnlocalized(request, context));
}

async function issueChallengeUnlocalized(request: ChallengeRequest, context: ChallengeContext): Promise<IssuedChallenge> {
  checkSessionId(request.sessionId);
  if (request.purpose !== 'login' && request.purpose !== 'bind') {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'purpose must be "login" or "bind"' });
  }
  const origin = normalizeOrigin(request.origin);
  const ttl = context.challengeTtlMs ?? DEFAULT_CHALLENGE_TTL_MS;
  if (!Number.isFinite(ttl) || ttl < 10_000 || ttl > 60 * 60 * 1000) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'challengeTtlMs must be between 10 s and 1 h' });
  }
  const issuedAt = nowOf(context);
  const challenge: PendingChallenge = {
    sessionId: request.sessionId,
    purpose: request.purpose,
    nonce: randomBytes(32).toString('base64url'),
    origin,
    issuedAt,
    expiresAt: new Date(issuedAt.getTime() + ttl),
  };
  await context.stores.challenges.put(challenge);
  return { text: formatChallengeText(challenge), nonce: challenge.nonce, expiresAt: challenge.expiresAt, purpose: challenge.purpose };
}

/**
 * Takes the session's pending challenge out of the store (so any later failure burns it) and checks
 * it is for this origin and still fresh.
 */
export async function consumeChallenge(
  sessionId: string,
  purpose: ChallengePurpose,
  origin: string,
  context: ChallengeContext,
): Promise<PendingChallenge> {
  checkSessionId(sessionId);
  const challenge = await context.stores.challenges.consume(sessionId, purpose);
  if (!challenge) throw new YizhengError('CHALLENGE_NOT_FOUND', { purpose });
  const now = nowOf(context);
  if (now.getTime() >= challenge.expiresAt.getTime()) {
    throw new YizhengError('CHALLENGE_EXPIRED', { purpose, expiresAt: challenge.expiresAt.toISOString() });
  }
  // The stored origin is already normalised: an equal string needs no URL parsing.
  if (challenge.origin !== origin && challenge.origin !== normalizeOrigin(origin)) {
    // Issued for another site: treat as absent rather than reveal anything about it.
    throw new YizhengError('CHALLENGE_NOT_FOUND', { purpose });
  }
  return challenge;
}
