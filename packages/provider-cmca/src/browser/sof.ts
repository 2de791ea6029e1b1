/**
 * CMCA (中国移动CA) keys through CMCA's local client, over the GM/T 0020 SOF function set.
 *
 * ASSUMPTIONS (CMCA's client protocol is not public, DOMAIN.md §6): the client answers SOF calls as
 * JSON on a loopback URL the integrator configures (no port is known, so there is no default; an
 * `http(s)://` URL takes one POST per call, a `ws(s)://` URL one WebSocket), with the protocol of
 * `createSofJsonCarrier` in `@yizheng/core/client`: `{ fn, args }` → `{ code, result }`, `code`
 * the SOF error code; standard `SOF_*` names unless `functionNames` maps them; `SOF_SignData`
 * returns base64 (format left to the server: `auto`). New CMCA keys ship with the default PIN 1234
 * (seed 002); the SOF set has no "must change" flag, so the page should offer `changePin`.
 */
import { createSofJsonDriver, type SofJsonDriverOptions, type TokenDriver } from '@yizheng/core/client';

/** The client's name in `CLIENT_NOT_RUNNING`. */
export const CMCA_CLIENT_NAME = '中国移动CA证书客户端';

/**
 * Options of {@link createCmcaDriver}: `url` (required) and, optionally, `functionNames`,
 * `pinLength`, timeouts, `fetch` / `WebSocket`, and `client` (default {@link CMCA_CLIENT_NAME}).
 */
export type CmcaDriverOptions = Omit<SofJsonDriverOptions, 'id' | 'provider' | 'client'> & { readonly client?: string | undefined };

/** A token driver for CMCA keys through CMCA's local client (see the module comment). */
export function createCmcaDriver(options: CmcaDriverOptions): TokenDriver {
  return createSofJsonDriver({ ...options, id: 'cmca-sof', provider: 'cmca', client: options.client ?? CMCA_CLIENT_NAME });
}
