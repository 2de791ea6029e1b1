/**
 * Huixin mobile certificates (汇信CA移动版 / 移动证书, as procurement platforms' manuals call them): no hardware; the user scans a QR code
 * with Huixin's app, which holds the key and confirms each signature.
 *
 * ASSUMPTIONS (Huixin's mobile signing API is not public): a service reachable from the page at the
 * configured `endpoint` (Huixin's, or the platform's proxy to it) speaking the QR-session protocol of
 * `createQrCodeDriver` in `@yizheng/core/client` (create a session, poll for the scan and the
 * certificate, post the text, poll for the signature); default poll interval 2 s, longest wait 120 s.
 */
import { createQrCodeDriver, type QrCodeDriverOptions, type TokenDriver } from '@yizheng/core/client';

/** The service's name in `CLIENT_NOT_RUNNING`. */
export const HUIXIN_MOBILE_SERVICE_NAME = '汇信CA移动证书服务';

/** Options of {@link createHuixinMobileDriver}. */
export type HuixinMobileDriverOptions = Omit<QrCodeDriverOptions, 'id' | 'provider' | 'service'> & {
  /** The service's name for `CLIENT_NOT_RUNNING`; default {@link HUIXIN_MOBILE_SERVICE_NAME}. */
  readonly service?: string | undefined;
};

/**
 * A token driver for Huixin mobile certificates: `listCertificates` shows the QR code (through
 * `onQrCode`) and waits for the scan; `login` needs no PIN (`pinEntry` is `client`: the app asks);
 * `sign` asks the app to confirm. Expired QR codes are `QR_CODE_EXPIRED`, a decline on the phone or
 * the page's abort `USER_CANCELLED`.
 */
export function createHuixinMobileDriver(options: HuixinMobileDriverOptions): TokenDriver {
  return createQrCodeDriver({ ...options, id: 'huixin-mobile', provider: 'huixin', service: options.service ?? HUIXIN_MOBILE_SERVICE_NAME });
}
