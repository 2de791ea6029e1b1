/**
 * Huixin (汇信CA) USB keys through Huixin's local client, over the GM/T 0020 / GB/T 43694-2024 SOF
 * function set.
 *
 * HUIXIN'S CLIENT WIRE FORMAT IS UNKNOWN: no public protocol was found for it (nor a port). By default
 * this driver speaks the SDK's own documented SOF-over-JSON shape (`createSofJsonCarrier`'s default
 * protocol in `@yizheng/core/client`, written out in this package's README), which a vendor can
 * adopt: `{"fn": "SOF_Login", "args": [certId, PIN]}` POSTed as `text/plain` to the `url` you give
 * (or sent over a WebSocket with an `"id"`), answered `{"code": 0, "result": ...}` or `{"code": <SOR
 * code>, "message": ..., "error": <client code>}`; the standard's function names and SOR error table;
 * nothing else assumed. Once Huixin's real protocol is known, pass it as `protocol` (a request builder
 * and a reply parser) and its extra error codes as `errorCodes`: see the README. `SOF_SignData`
 * returns base64 (DER for SM2 keys: the format is left to the server, `auto`); no PIN length rule
 * unless `pinLength` is given.
 */
import { createSofJsonDriver, type SofJsonDriverOptions, type TokenDriver } from '@yizheng/core/client';

/** The client's name in `CLIENT_NOT_RUNNING`. */
export const HUIXIN_CLIENT_NAME = '汇信CA证书客户端';

/**
 * Options of {@link createHuixinDriver}: `url` (required: no port is known) and, optionally,
 * `protocol` / `errorCodes` / `functionNames` (the client's real wire format, once known),
 * `pinLength`, timeouts, `fetch` / `WebSocket`, and `client` (default {@link HUIXIN_CLIENT_NAME}).
 */
export type HuixinDriverOptions = Omit<SofJsonDriverOptions, 'id' | 'provider' | 'client'> & { readonly client?: string | undefined };

/**
 * A token driver for Huixin USB keys (汇信CA介质版) through Huixin's local client. The wire format is
 * the SDK's documented default until you configure Huixin's (unknown: see the module comment).
 */
export function createHuixinDriver(options: HuixinDriverOptions): TokenDriver {
  return createSofJsonDriver({ ...options, id: 'huixin-sof', provider: 'huixin', client: options.client ?? HUIXIN_CLIENT_NAME });
}
