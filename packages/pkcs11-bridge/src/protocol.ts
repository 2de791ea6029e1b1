/**
 * The loopback bridge's wire protocol, shared by the server and the page driver (no Node imports).
 *
 * JSON text frames over one WebSocket at `ws://127.0.0.1:<port>/yizheng`:
 * - page → bridge: `{ id, method, params }`, `id` a non-negative integer the page chooses;
 * - bridge → page: `{ id, result }` or `{ id, error }` (`error` is a Yizheng error's JSON: code,
 *   message and remedy in both languages, details), and events `{ event, ... }`.
 *
 * Before the user approves the page's origin only `hello` and `requestApproval` are answered.
 *
 * `login` takes `{ certId, pin }`; `pin` may be left out (or `null`, or `""`) for a key with a PIN pad,
 * and must be when the bridge takes PINs in its own window (`hello` says `pinEntry: 'helper'`), as
 * must `changePin`'s `oldPin` and `newPin`.
 *
 * `decrypt` takes `{ certId, ciphertext, algorithm? }` (base64 ciphertext; `algorithm` one of
 * `rsa-oaep`, `rsa-oaep-sha1`, `rsa-pkcs1`, `sm2`) after the connection's `login` to that certificate,
 * answers `{ plaintext }` (base64) and ends the login, as `sign` does.
 */

/** Protocol version spoken by this package. */
export const BRIDGE_PROTOCOL = 1;
/** Default port: on 127.0.0.1 and ::1 only. */
export const DEFAULT_BRIDGE_PORT = 21800;
/** The WebSocket path. */
export const BRIDGE_PATH = '/yizheng';

/** Methods the bridge answers. */
export type BridgeMethod =
  | 'hello'
  | 'requestApproval'
  | 'listCertificates'
  | 'getPinStatus'
  | 'login'
  | 'sign'
  | 'decrypt'
  | 'changePin'
  | 'logout';

/** A request frame. */
export interface BridgeRequest {
  /** Chosen by the page; echoed in the response. */
  readonly id: number;
  /** The method. */
  readonly method: BridgeMethod;
  /** Its parameters. */
  readonly params?: Readonly<Record<string, unknown>>;
}

/** The answer to `hello`. */
export interface BridgeHello {
  /** Always `yizheng-bridge`. */
  readonly bridge: 'yizheng-bridge';
  /** {@link BRIDGE_PROTOCOL}. */
  readonly protocol: number;
  /** The page's origin as the bridge saw it. */
  readonly origin: string;
  /** True when the origin is approved (by the allow-list or the user). */
  readonly approved: boolean;
  /**
   * Where users type their PIN: `page` (the page sends it with `login`) or `helper` (the bridge asks
   * in its own window; the page sends none). Absent from bridges older than this field: `page`.
   */
  readonly pinEntry?: 'page' | 'helper';
}

/** Events the bridge sends. */
export type BridgeEvent =
  | { readonly event: 'approval'; readonly code: string }
  | { readonly event: 'token'; readonly type: 'inserted' | 'removed'; readonly keyId: string };
