/**
 * The page entry of @yizheng/provider-huixin: its key-client driver (being written).
 *
 * @module
 */
export {};
