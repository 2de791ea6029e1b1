/**
 * The page's side of CA login and binding: fetch the challenge text from the
 * platform, have the key sign it, post the token back. The page only moves text and base64.
 */
import { cancelled } from './abort';
import { clientError, isRecord, serverErrorJson, YizhengServerError, type Locale } from './errors';
import type { TokenCallOptions, TokenCertificate, TokenDriver, TokenSignatureFormat } from './token-driver';

/** The login token's format; also the challenge text's first field. */
export const TOKEN_FORMAT = 'yizheng:1';

/** A `fetch` implementation (the global one by default). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Options shared by the HTTP helpers. */
export interface HttpOptions {
  /** `fetch` to use; default the global one. */
  readonly fetch?: FetchLike | undefined;
  /** Aborts the request (`USER_CANCELLED`). */
  readonly signal?: AbortSignal | undefined;
  /** Extra request headers, e.g. a CSRF token. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Locale of a {@link YizhengServerError}'s `message`; default zh-CN. */
  readonly locale?: Locale | undefined;
}

/** The challenge the platform issued. */
export interface PageChallenge {
  /** The exact text to sign, e.g. `yizheng:1|login|https://bid.example.gov.cn|<nonce>|<expiresAt>`. */
  readonly text: string;
  /** Its purpose. */
  readonly purpose: 'login' | 'bind';
  /** When it stops being acceptable, when the server said. */
  readonly expiresAt?: Date;
}

/** What the page posts after signing (the server's `parseLoginToken` shape). */
export interface PageLoginToken {
  /** Always `yizheng:1`. */
  readonly format: typeof TOKEN_FORMAT;
  /** The signing certificate, base64 DER. */
  readonly certificate: string;
  /** The signature over the challenge text, base64. */
  readonly signature: string;
  /** How the signature is encoded. */
  readonly signatureFormat: TokenSignatureFormat;
  /** The provider the page used, as a hint for the server. */
  readonly provider?: string;
}

const MAX_CHALLENGE_CHARS = 1024;

async function post(endpoint: string, body: unknown, options: HttpOptions): Promise<unknown> {
  const doFetch = options.fetch ?? globalThis.fetch;
  if (options.signal?.aborted) throw cancelled(options.signal);
  let response: Response;
  try {
    response = await doFetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
      body: JSON.stringify(body),
      credentials: 'same-origin',
      ...(options.signal && { signal: options.signal }),
    });
  } catch (error) {
    if (options.signal?.aborted) throw cancelled(options.signal);
    throw error;
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = text;
  }
  const serverError = serverErrorJson(json);
  if (serverError) throw new YizhengServerError(serverError, response.status, options.locale ? { locale: options.locale } : {});
  if (!response.ok) throw new Error(`POST ${endpoint} answered HTTP ${response.status}`);
  return json;
}

/**
 * Asks the platform for a challenge: POSTs `{ purpose }` (JSON, with the page's cookies) to
 * `endpoint` and reads the text to sign from the answer (`IssuedChallenge` as JSON, i.e.
 * `{ text, expiresAt, ... }`, or the text itself).
 *
 * @throws {YizhengServerError} when the server answers with a Yizheng error.
 * @throws {YizhengError} `USER_CANCELLED` when `signal` aborts.
 * @throws {Error} on a network failure, another HTTP failure or an answer without challenge text
 *   (the platform's integration, not the user's key).
 */
export async function requestChallenge(
  endpoint: string,
  options: HttpOptions & { readonly purpose: 'login' | 'bind' },
): Promise<PageChallenge> {
  const body = await post(endpoint, { purpose: options.purpose }, options);
  const text = isRecord(body) ? body['text'] : body;
  if (typeof text !== 'string' || !text.startsWith(`${TOKEN_FORMAT}|`) || text.length > MAX_CHALLENGE_CHARS || !/^[\x20-\x7e]+$/.test(text)) {
    throw new Error(`POST ${endpoint} did not answer with a ${TOKEN_FORMAT} challenge text`);
  }
  const expires = isRecord(body) && typeof body['expiresAt'] === 'string' ? new Date(body['expiresAt']) : undefined;
  return {
    text,
    purpose: options.purpose,
    ...(expires && !Number.isNaN(expires.getTime()) && { expiresAt: expires }),
  };
}

/**
 * Has `driver` sign the challenge `text` with the certificate `certificate` (its id, or the
 * {@link TokenCertificate} from `listCertificates`, which saves a second listing) and returns the
 * token to post. Log in first (`driver.login`) unless the driver's `pinEntry` is `client`.
 *
 * @throws {YizhengError} the driver's client codes; `CERT_NOT_FOUND` when the id is not listed.
 */
export async function signChallenge(
  driver: TokenDriver,
  certificate: string | TokenCertificate,
  text: string,
  options: TokenCallOptions & { readonly provider?: string | undefined } = {},
): Promise<PageLoginToken> {
  const call = options.signal ? { signal: options.signal } : {};
  let cert: TokenCertificate | undefined;
  if (typeof certificate === 'string') {
    cert = (await driver.listCertificates(call)).find((c) => c.id === certificate);
    if (!cert) throw clientError('CERT_NOT_FOUND', { certId: certificate });
  } else {
    cert = certificate;
  }
  const signature = await driver.sign(cert.id, text, call);
  const provider = options.provider ?? cert.provider;
  return {
    format: TOKEN_FORMAT,
    certificate: cert.certificate,
    signature: signature.signature,
    signatureFormat: signature.format,
    ...(provider !== undefined && { provider }),
  };
}

/**
 * POSTs the token to the platform's login or bind endpoint and returns its JSON answer.
 *
 * @throws {YizhengServerError} when the server refuses with a Yizheng error (`NOT_BOUND`,
 *   `CERT_EXPIRED`, `ALREADY_BOUND`, ...): show its `message` and `remedy`.
 * @throws {YizhengError} `USER_CANCELLED` when `signal` aborts.
 * @throws {Error} on a network failure or another HTTP failure.
 */
export async function submitToken<T = unknown>(endpoint: string, token: PageLoginToken, options: HttpOptions = {}): Promise<T> {
  return (await post(endpoint, token, options)) as T;
}
