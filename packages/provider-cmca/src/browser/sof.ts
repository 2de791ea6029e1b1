/**
 * CMCA (中国移动CA) keys through CMCA's local client, over the GM/T 0020 / GB/T 43694-2024 SOF
 * function set.
 *
 * CMCA'S CLIENT WIRE FORMAT IS UNKNOWN: no public protocol was found for it (nor a port). By default
 * this driver speaks the SDK's own documented SOF-over-JSON shape (`createSofJsonCarrier`'s default
 * protocol in `@yizheng/core/client`, written out in this package's README), which a vendor can
 * adopt: `{"fn": "SOF_Login", "args": [certId, PIN]}` over a WebSocket (`ws(s)://` URL, with an
 * `"id"`) or POSTed as `text/plain` (`http(s)://` URL), answered `{"code": 0, "result": ...}` or
 * `{"code": <SOR code>, "message": ..., "error": <client code>}`; the standard's function names and
 * SOR error table; nothing else assumed. Once CMCA's real protocol is known, pass it as `protocol` (a
 * request builder and a reply parser) and its extra error codes as `errorCodes`: see the README.
 * `SOF_SignData` returns base64 (the format is left to the server: `auto`). New CMCA keys ship with
 * the default PIN 1234 and the SOF set has no "must change" flag, so the page should offer `changePin`.
 */
import { createSofJsonDriver, type SofJsonDriverOptions, type TokenDriver } from '@yizheng/core/client';

/** The client's name in `CLIENT_NOT_RUNNING`. */
export const CMCA_CLIENT_NAME = '中国移动CA证书客户端';

/**
 * Options of {@link createCmcaDriver}: `url` (required: no port is known) and, optionally,
 * `protocol` / `errorCodes` / `functionNames` (the client's real wire format, once known),
 * `pinLength`, timeouts, `fetch` / `WebSocket`, and `client` (default {@link CMCA_CLIENT_NAME}).
 */
export type CmcaDriverOptions = Omit<SofJsonDriverOptions, 'id' | 'provider' | 'client'> & { readonly client?: string | undefined };

/**
 * A token driver for CMCA keys through CMCA's local client. The wire format is the SDK's documented
 * default until you configure CMCA's (unknown: see the module comment).
 */
export function createCmcaDriver(options: CmcaDriverOptions): TokenDriver {
  return createSofJsonDriver({ ...options, id: 'cmca-sof', provider: 'cmca', client: options.client ?? CMCA_CLIENT_NAME });
}
