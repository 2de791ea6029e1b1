/**
 * What the bridge agrees to sign: only a Yizheng challenge text for the connection's own origin,
 * `yizheng:1|<login|bind>|<origin>|<nonce>|<expiresAt>`, still valid. A page can therefore never use
 * the bridge to sign a hash, a document, or another site's challenge.
 */
import { YizhengError } from '@yizheng/core';

const CHALLENGE = /^yizheng:1\|(login|bind)\|([^|]{1,300})\|([A-Za-z0-9_-]{43})\|(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)$/;

/** Longest a challenge may still be valid for: core's maximum challenge TTL (1 h) plus clock skew. */
export const MAX_CHALLENGE_LIFETIME_MS = 65 * 60 * 1000;

function refuse(reason: string): YizhengError {
  return new YizhengError('SIGN_TEXT_REFUSED', { reason });
}

/**
 * Checks that `text` is a current challenge for `origin`.
 *
 * @throws {YizhengError} SIGN_TEXT_REFUSED naming why.
 */
export function assertSignableChallenge(text: unknown, origin: string, now: number): asserts text is string {
  if (typeof text !== 'string' || text.length > 512) throw refuse('not a Yizheng challenge');
  const m = CHALLENGE.exec(text);
  if (m === null) throw refuse('not a Yizheng challenge');
  if (m[2] !== origin) throw refuse('issued for another site');
  const expiresAt = Date.parse(m[4] ?? '');
  if (!Number.isFinite(expiresAt) || new Date(expiresAt).toISOString() !== m[4]) throw refuse('bad expiry time');
  if (expiresAt <= now) throw refuse('expired');
  if (expiresAt > now + MAX_CHALLENGE_LIFETIME_MS) throw refuse('expiry too far ahead');
}
