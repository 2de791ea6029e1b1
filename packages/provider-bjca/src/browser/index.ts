/**
 * The page entry of @yizheng/provider-bjca: the token driver for BJCA keys through the BJCA client's
 * XTX WebSocket service (BJCA证书应用环境).
 *
 * @module
 */
export { BJCA_CLIENT_NAME, BJCA_XTX_URLS, createBjcaDriver, type BjcaDriverOptions } from './xtx';
