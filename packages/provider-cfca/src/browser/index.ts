/**
 * The page entry of @yizheng/provider-cfca: its key-client driver (being written).
 *
 * @module
 */
export {};
