/**
 * @yizheng/core: CA certificate login, binding and enterprise-code checks for Chinese
 * procurement and public-resource-trading platforms.
 *
 * @packageDocumentation
 */
export * from './errors/index';
export * from './cert/index';
export * from './providers/index';
export * from './codes/index';
export * from './expiry/index';
export * from './identity/index';
export * from './crypto/index';
export * from './stores/index';
export * from './trust/index';
export * from './login/index';
export * from './binding/index';
