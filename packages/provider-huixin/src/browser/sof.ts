/**
 * Huixin (汇信CA) USB keys through Huixin's local client, over the GM/T 0020 SOF function set.
 *
 * ASSUMPTIONS (Huixin's client protocol is not public, DOMAIN.md §6): the client answers SOF calls as
 * JSON on a loopback URL the integrator configures (no port is known, so there is no default), with
 * the protocol of `createSofJsonCarrier` in `@yizheng/core/client`: `{ fn, args }` →
 * `{ code, result }`, `code` the SOF error code; standard `SOF_*` function names unless
 * `functionNames` maps them; `SOF_SignData` returns base64 (DER for SM2 keys, so the format is left
 * to the server: `auto`); no PIN length rule unless `pinLength` is given.
 */
import { createSofJsonDriver, type SofJsonDriverOptions, type TokenDriver } from '@yizheng/core/client';

/** The client's name in `CLIENT_NOT_RUNNING`. */
export const HUIXIN_CLIENT_NAME = '汇信CA证书客户端';

/**
 * Options of {@link createHuixinDriver}: `url` (required) and, optionally, `functionNames`,
 * `pinLength`, timeouts, `fetch` / `WebSocket`, and `client` (default {@link HUIXIN_CLIENT_NAME}).
 */
export type HuixinDriverOptions = Omit<SofJsonDriverOptions, 'id' | 'provider' | 'client'> & { readonly client?: string | undefined };

/** A token driver for Huixin USB keys (汇信CA介质版) through Huixin's local client (see the module comment). */
export function createHuixinDriver(options: HuixinDriverOptions): TokenDriver {
  return createSofJsonDriver({ ...options, id: 'huixin-sof', provider: 'huixin', client: options.client ?? HUIXIN_CLIENT_NAME });
}
