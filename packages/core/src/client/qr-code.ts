/**
 * A token driver for mobile certificates with no hardware (e.g. 汇信CA移动版): the page
 * shows a QR code, the user scans it with the CA's app, which pairs and then confirms each signature
 * on the phone (the PIN or fingerprint stays in the app).
 *
 * ASSUMED service protocol (the vendors' mobile APIs are not public; the endpoint is configurable and
 * may be the platform's own proxy):
 * - `POST {endpoint}/sessions` `{}` → `{ sessionId, qrCode, expiresAt? }`: `qrCode` is the text to
 *   render as a QR code;
 * - `GET {endpoint}/sessions/{sessionId}` → `{ status, certificate?, label? }`, status `waiting` |
 *   `scanned` | `bound` (with the base64 signing certificate) | `cancelled` | `expired`;
 * - `POST {endpoint}/sessions/{sessionId}/signatures` `{ data }` → `{ requestId }`;
 * - `GET {endpoint}/sessions/{sessionId}/signatures/{requestId}` → `{ status, signature?,
 *   signatureFormat? }`, status `waiting` | `signed` | `cancelled` | `expired`;
 * - HTTP 404 / 410 for a session or request means it expired;
 * - a paired session stays usable for signing until its `expiresAt` (then `listCertificates` shows
 *   a new QR code).
 *
 * Waiting is polled every `pollIntervalMs` and bounded by `timeoutMs` and the session's `expiresAt`:
 * running out of time, or `expired`, is `QR_CODE_EXPIRED`; `cancelled` (declined on the phone) or
 * the page's AbortSignal is `USER_CANCELLED`; an unreachable service is `CLIENT_NOT_RUNNING`.
 */
import { bounded, cancelled, sleep } from './abort';
import { cleanBase64 } from './base64';
import type { FetchLike } from './challenge';
import { clientError, isRecord, protocolError } from './errors';
import type { TokenCallOptions, TokenCertificate, TokenDriver, TokenSignatureFormat } from './token-driver';

/** What the page renders as a QR code. */
export interface QrCodePrompt {
  /** The service's session id. */
  readonly sessionId: string;
  /** The text to encode in the QR code. */
  readonly payload: string;
  /** When the code stops working, when the service said. */
  readonly expiresAt?: Date;
}

/** Options of {@link createQrCodeDriver}. */
export interface QrCodeDriverOptions {
  /** Driver id, e.g. `huixin-mobile`. */
  readonly id: string;
  /** Provider id put on the certificate. */
  readonly provider?: string | undefined;
  /** The service's base URL (see the module comment). */
  readonly endpoint: string;
  /** The service's name for `CLIENT_NOT_RUNNING`. */
  readonly service: string;
  /** Shows the QR code (the page renders `payload` with its own QR library). */
  readonly onQrCode: (prompt: QrCodePrompt) => void;
  /** Tells the user to confirm on the phone (a signature request was sent). */
  readonly onConfirm?: ((request: { readonly certId: string }) => void) | undefined;
  /** Time between status polls; default 2 s (at least 100 ms). */
  readonly pollIntervalMs?: number | undefined;
  /** Longest wait for a scan or a confirmation; default 120 s. */
  readonly timeoutMs?: number | undefined;
  /** Longest wait for one HTTP answer; default 15 s. */
  readonly requestTimeoutMs?: number | undefined;
  /** `fetch`; default the global one. */
  readonly fetch?: FetchLike | undefined;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

const SIGNATURE_FORMATS: readonly TokenSignatureFormat[] = ['auto', 'der', 'raw', 'skf', 'cms'];

/** A token driver for QR-code mobile certificates (see the module comment). */
export function createQrCodeDriver(options: QrCodeDriverOptions): TokenDriver {
  const base = options.endpoint.replace(/\/+$/, '');
  const interval = Math.max(100, options.pollIntervalMs ?? 2000);
  const timeoutMs = options.timeoutMs ?? 120_000;
  let paired: { readonly certificate: TokenCertificate; readonly expiresAt: number } | undefined;

  const expired = (what: string): Error => clientError('QR_CODE_EXPIRED', { what });

  async function http(method: 'GET' | 'POST', path: string, body: unknown, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const doFetch = options.fetch ?? globalThis.fetch;
    const controller = new AbortController();
    const request = (async (): Promise<Record<string, unknown>> => {
      let response: Response;
      try {
        response = await doFetch(`${base}${path}`, {
          method,
          headers: { accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }), ...options.headers },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          signal: controller.signal,
        });
      } catch (error) {
        if (controller.signal.aborted) throw cancelled();
        throw clientError('CLIENT_NOT_RUNNING', { client: options.service, url: base }, error);
      }
      if (response.status === 404 || response.status === 410) throw expired(path);
      if (!response.ok) throw protocolError(`${options.service} answered ${method} ${path} with HTTP ${response.status}`);
      let json: unknown;
      try {
        json = JSON.parse(await response.text());
      } catch {
        json = undefined;
      }
      if (!isRecord(json)) throw protocolError(`${options.service} answered ${method} ${path} with something other than a JSON object`);
      return json;
    })();
    const limit = options.requestTimeoutMs ?? 15_000;
    return bounded(request, {
      signal,
      timeoutMs: limit,
      onTimeout: () => protocolError(`no answer from ${options.service} within ${Math.round(limit / 1000)} s`),
      cleanup: () => controller.abort(),
    });
  }

  /** Polls `path` until `done` returns a value; bounded by `deadline`. */
  async function poll<T>(path: string, deadline: number, done: (body: Record<string, unknown>) => T | undefined, signal?: AbortSignal): Promise<T> {
    for (;;) {
      const body = await http('GET', path, undefined, signal);
      const status = body['status'];
      if (status === 'cancelled') throw clientError('USER_CANCELLED', { where: options.service });
      if (status === 'expired') throw expired(path);
      if (status !== 'waiting' && status !== 'scanned') {
        const result = done(body);
        if (result === undefined) throw protocolError(`${options.service} answered status "${String(status).slice(0, 20)}" without what it should carry`);
        return result;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw expired(path);
      await sleep(Math.min(interval, left), signal);
    }
  }

  async function pair(signal?: AbortSignal): Promise<TokenCertificate> {
    const session = await http('POST', '/sessions', {}, signal);
    const sessionId = session['sessionId'];
    const payload = session['qrCode'];
    if (typeof sessionId !== 'string' || !/^[\w.~-]{1,128}$/.test(sessionId) || typeof payload !== 'string' || payload === '') {
      throw protocolError(`${options.service} did not answer with a session id and a QR code`);
    }
    const serverExpiry = typeof session['expiresAt'] === 'string' ? Date.parse(session['expiresAt']) : Number.NaN;
    const expiresAt = Number.isNaN(serverExpiry) ? undefined : new Date(serverExpiry);
    options.onQrCode({ sessionId, payload, ...(expiresAt && { expiresAt }) });
    const deadline = Math.min(Date.now() + timeoutMs, expiresAt?.getTime() ?? Number.POSITIVE_INFINITY);
    const certificate = await poll(
      `/sessions/${sessionId}`,
      deadline,
      (body) => {
        const cert = body['status'] === 'bound' ? cleanBase64(body['certificate']) : undefined;
        if (cert === undefined) return undefined;
        const label = typeof body['label'] === 'string' ? body['label'] : options.service;
        return { id: sessionId, label, certificate: cert, ...(options.provider !== undefined && { provider: options.provider }) };
      },
      signal,
    );
    paired = { certificate, expiresAt: expiresAt?.getTime() ?? Number.POSITIVE_INFINITY };
    return certificate;
  }

  function current(certId: string): TokenCertificate {
    if (!paired || paired.certificate.id !== certId) throw clientError('CERT_NOT_FOUND', { certId });
    return paired.certificate;
  }

  return {
    id: options.id,
    pinEntry: 'client',
    async listCertificates(o?: TokenCallOptions) {
      if (paired && paired.expiresAt > Date.now()) return [paired.certificate];
      paired = undefined;
      return [await pair(o?.signal)];
    },
    async login(certId) {
      current(certId);
    },
    async sign(certId, text, o) {
      current(certId);
      if (typeof text !== 'string' || text === '') throw protocolError('nothing to sign');
      const request = await http('POST', `/sessions/${certId}/signatures`, { data: text }, o?.signal);
      const requestId = request['requestId'];
      if (typeof requestId !== 'string' || !/^[\w.~-]{1,128}$/.test(requestId)) {
        throw protocolError(`${options.service} did not answer with a request id`);
      }
      options.onConfirm?.({ certId });
      return poll(
        `/sessions/${certId}/signatures/${requestId}`,
        Date.now() + timeoutMs,
        (body) => {
          const signature = body['status'] === 'signed' ? cleanBase64(body['signature']) : undefined;
          if (signature === undefined) return undefined;
          const declared = body['signatureFormat'];
          const format = SIGNATURE_FORMATS.find((f) => f === declared) ?? 'auto';
          return { signature, format };
        },
        o?.signal,
      );
    },
    async close() {
      paired = undefined;
    },
  };
}
