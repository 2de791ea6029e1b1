/**
 * Test support (not exported): an emulator of BJCA's XTX WebSocket service on a loopback port,
 * answering from a software token through core's SOF backend, with reply faults on demand.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientFault, SofBackend } from '@yizheng/core/software-token';

const BOOLEANS = new Set(['SOF_Login', 'SOF_ChangePassWd', 'SOF_Logout']);
const NUMBERS = new Set(['SOF_GetPinRetryCount', 'SOF_GetLastError']);

/** A running XTX emulator. */
export interface XtxEmulator {
  /** Its `ws://127.0.0.1:<port>/xtxapp/` URL. */
  readonly url: string;
  /** The requests it received. */
  readonly requests: Record<string, unknown>[];
  /** Makes the next reply faulty. */
  tamper(fault: ClientFault): boolean;
  /** Stops it. */
  stop(): Promise<void>;
}

/** Starts an XTX emulator over `backend` (key changes are pushed as `onUsbkeyChange`). */
export async function startXtxEmulator(backend: SofBackend): Promise<XtxEmulator> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/xtxapp/' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const requests: Record<string, unknown>[] = [];
  const faults: ClientFault[] = [];
  const sockets = new Set<WebSocket>();
  const unsubscribe = backend.onChange(() => {
    for (const s of sockets) s.send(JSON.stringify({ call_cmd_id: 'onUsbkeyChange', retVal: '' }));
  });

  async function reply(message: Record<string, unknown>): Promise<string | undefined> {
    const id = message['call_cmd_id'];
    switch (faults.shift()) {
      case 'not-json':
        return '{"call_cmd_id":';
      case 'missing-fields':
        return JSON.stringify({ call_cmd_id: id });
      case 'wrong-id':
        return JSON.stringify({ call_cmd_id: 'i_9999', retVal: 'true' });
      case 'silent':
        return undefined;
      default:
        break;
    }
    const fn = String(message['xtx_func_name']);
    const params = Array.isArray(message['param']) ? (message['param'] as unknown[]) : [];
    const result = await backend.call(fn, params);
    // The client's own conventions: booleans as "true" / "false", failures as false, -1 or "".
    const retVal = result.ok
      ? typeof result.value === 'boolean' ? String(result.value) : result.value
      : BOOLEANS.has(fn) ? 'false' : NUMBERS.has(fn) ? -1 : '';
    return JSON.stringify({ call_cmd_id: id, retVal, ...(fn === 'SOF_Login' && result.ok && { token: 'xtx-session-1' }) });
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      requests.push(message);
      void reply(message).then((text) => text !== undefined && socket.send(text));
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `ws://127.0.0.1:${port}/xtxapp/`,
    requests,
    tamper(fault) {
      faults.push(fault);
      return true;
    },
    async stop() {
      unsubscribe();
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
