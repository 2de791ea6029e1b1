/**
 * The page entry of @yizheng/provider-huixin: token drivers for Huixin USB keys (through Huixin's
 * local client, over SOF calls) and for Huixin mobile certificates (QR code). Both protocols are
 * assumptions until Huixin publishes them: see each driver.
 *
 * @module
 */
export { HUIXIN_CLIENT_NAME, createHuixinDriver, type HuixinDriverOptions } from './sof';
export { HUIXIN_MOBILE_SERVICE_NAME, createHuixinMobileDriver, type HuixinMobileDriverOptions } from './mobile';
