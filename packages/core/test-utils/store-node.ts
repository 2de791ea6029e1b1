/**
 * One application node for the several-nodes tests: a child process (run with `node --import tsx`)
 * with its own Yizheng instance on the shared database (and, when given, the shared Redis challenge
 * store), answering login and bind requests from the parent over IPC. `hang-next-bind` makes the next
 * binding stop inside its transaction (after the insert, at the audit record) and say so, for the
 * parent to kill the process there.
 */
import { createYizheng } from '../src/instance/create-yizheng';
import { createCertificateTrust } from '../src/trust/certificate-trust';
import { createTrustStore } from '../src/trust/store';
import { isYizhengError } from '../src/errors/index';
import type { StoreSet, Stores } from '../src/stores/types';
import { openNodeStores, type NodeStoreConfig } from './store-node-stores';

interface NodeConfig extends NodeStoreConfig {
  readonly caPem: string;
  readonly origin: string;
}

const config = JSON.parse(process.env['YZ_NODE_CONFIG'] ?? '{}') as NodeConfig;
const shared = await openNodeStores(config);
let hangNextBind = false;

// The same stores, with a transaction that can stop halfway through a binding.
// (The stores are frozen: the overrides are own properties of objects that inherit the rest.)
const override = <T extends object>(base: T, values: Partial<T>): T =>
  Object.create(base, Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, enumerable: true }]))) as T;
const stores: Stores = override(shared, {
  transaction: <T>(fn: (tx: StoreSet) => Promise<T>): Promise<T> =>
    shared.transaction((tx) => {
      if (!hangNextBind) return fn(tx);
      hangNextBind = false;
      const audit = override(tx.audit, {
        append: async () => {
          process.send?.({ event: 'in-transaction' });
          return new Promise<never>(() => undefined);
        },
      });
      return fn(override(tx, { audit }));
    }),
});

const yizheng = createYizheng({
  stores,
  providers: [],
  trust: createCertificateTrust({ trustStore: createTrustStore(config.caPem), revocation: { policy: 'off' } }),
});

type Request =
  | { readonly id: number; readonly op: 'login'; readonly token: unknown; readonly sessionId: string }
  | { readonly id: number; readonly op: 'bind'; readonly token: unknown; readonly sessionId: string; readonly accountId: string }
  | { readonly id: number; readonly op: 'hang-next-bind' }
  | { readonly id: number; readonly op: 'close' };

const ACTOR = { accountId: 'admin', organizationId: 'org-1', isAdmin: true };

process.on('message', (message: Request) => {
  void (async () => {
    try {
      if (message.op === 'login') {
        const result = await yizheng.verifyLogin(message.token, { sessionId: message.sessionId, origin: config.origin });
        process.send?.({ id: message.id, ok: true, bindingId: result.binding.id });
      } else if (message.op === 'bind') {
        const binding = await yizheng.bindCertificate({
          sessionId: message.sessionId,
          origin: config.origin,
          token: message.token,
          actor: ACTOR,
          target: { accountId: message.accountId, organizationId: 'org-1', enterpriseCode: '91350200556207664B' },
        });
        process.send?.({ id: message.id, ok: true, bindingId: binding.id });
      } else if (message.op === 'hang-next-bind') {
        hangNextBind = true;
        process.send?.({ id: message.id, ok: true });
      } else {
        await shared.close();
        process.send?.({ id: message.id, ok: true });
        process.exit(0);
      }
    } catch (error) {
      process.send?.({ id: message.id, ok: false, code: isYizhengError(error) ? error.code : String(error) });
    }
  })();
});
process.send?.({ event: 'ready' });
