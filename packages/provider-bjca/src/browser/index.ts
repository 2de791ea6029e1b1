/**
 * The page entry of @yizheng/provider-bjca: the token driver for BJCA keys through the BJCA client's
 * XTX service (BJCA证书应用环境): the 3.x WebSocket, the 2.x ports, and the `/synctl` HTTP form.
 *
 * @module
 */
export {
  BJCA_CLIENT_NAME,
  BJCA_LEGACY_URLS,
  BJCA_SYNCTL_URLS,
  BJCA_XTX_CLSID,
  BJCA_XTX_URLS,
  bjcaClientError,
  createBjcaDriver,
  type BjcaDriverOptions,
} from './xtx';
