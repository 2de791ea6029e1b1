/**
 * A bridge for tests: on 127.0.0.1 (a free port unless one is given), for one page origin, polling
 * on every call, logging nothing. Test-only.
 */
import type { Pkcs11Module } from '../pkcs11/module';
import { startBridge, type BridgeOptions, type RunningBridge } from '../server/bridge';

/** Starts a quiet loopback bridge over `module` that lets `origin` in; `extra` adds or overrides options. */
export function startLoopbackBridge(module: Pkcs11Module, origin: string, extra: Partial<BridgeOptions> = {}): Promise<RunningBridge> {
  return startBridge({
    module,
    port: 0,
    hosts: ['127.0.0.1'],
    allowedOrigins: [origin],
    pollIntervalMs: 0,
    logger: { info: () => undefined, warn: () => undefined },
    ...extra,
  });
}
