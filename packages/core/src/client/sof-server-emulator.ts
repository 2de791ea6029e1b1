/**
 * Test support (not exported): a SOF wire emulator (`createSofWireEmulator` of
 * `@yizheng/core/software-token`) served on a 127.0.0.1 port, over HTTP (a POST per call, CORS open so
 * that a page on another loopback port may call it) or a WebSocket (key changes pushed to every
 * connection). For Node tests through real sockets and for browser tests.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { SofWireEmulator } from '../software-token/index';

/** A served emulator. */
export interface ServedSofEmulator {
  /** `http://127.0.0.1:<port>/sof` or `ws://127.0.0.1:<port>/sof`. */
  readonly url: string;
  /** Closes the server and its connections (requests left unanswered are dropped). */
  stop(): Promise<void>;
}

/** Serves `emulator` on a free loopback port. */
export async function serveSofEmulator(emulator: SofWireEmulator, wire: 'http' | 'ws'): Promise<ServedSofEmulator> {
  if (wire === 'ws') {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const off = emulator.backend.onChange(() => server.clients.forEach((c) => c.send(emulator.keyChange)));
    server.on('connection', (socket) =>
      socket.on('message', (data) => void emulator.answer(String(data)).then((r) => r !== undefined && socket.readyState === 1 && socket.send(r))),
    );
    return {
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/sof`,
      async stop() {
        off();
        server.clients.forEach((c) => c.terminate());
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type', 'access-control-allow-methods': 'POST' };
  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => void emulator.answer(body).then((r) => r !== undefined && res.writeHead(200, { ...cors, 'content-type': 'application/json' }).end(r)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sof`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
