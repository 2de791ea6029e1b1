import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createJsonSocket, type JsonSocketOptions } from './index';

let wss: WebSocketServer | undefined;
let tcp: TcpServer | undefined;
const held: Socket[] = [];
afterEach(async () => {
  held.splice(0).forEach((s) => s.destroy());
  for (const c of wss?.clients ?? []) c.terminate();
  await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (tcp ? tcp.close(() => resolve()) : resolve()));
  wss = tcp = undefined;
});

/** A ws server answering with `reply(message, socket)` (undefined: no answer). */
async function serve(reply: (message: Record<string, unknown>, socket: WebSocket) => unknown): Promise<string> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss = server;
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (socket) =>
    socket.on('message', (data) => {
      const answer = reply(JSON.parse(String(data)) as Record<string, unknown>, socket);
      if (answer !== undefined) socket.send(typeof answer === 'string' ? answer : JSON.stringify(answer));
    }),
  );
  const address = server.address();
  return `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

const open = (url: string, extra: Partial<JsonSocketOptions> = {}) => createJsonSocket({ url, client: '测试客户端', idField: 'id', ...extra });
const ask = { timeoutMs: 300, what: 'ping' };

describe('createJsonSocket', () => {
  it('matches replies to requests by id, passes events on, and reuses one connection', async () => {
    let connections = 0;
    const url = await serve((m, socket) => {
      if (m['op'] === 'notify') socket.send(JSON.stringify({ event: 'keychange' }));
      return { id: m['id'], echo: m['op'] };
    });
    wss?.on('connection', () => connections++);
    const socket = open(url, { idPrefix: 'q', eventName: (m) => (typeof m['event'] === 'string' ? m['event'] : undefined) });
    const events: string[] = [];
    const off = socket.onEvent((name) => events.push(name));
    const [a, b] = await Promise.all([socket.request({ op: 'a' }, ask), socket.request({ op: 'b' }, ask)]);
    expect([a['echo'], b['echo'], typeof a['id']]).toEqual(['a', 'b', 'string']);
    await socket.request({ op: 'notify' }, ask);
    await new Promise((r) => setTimeout(r, 30));
    off();
    expect([events, connections]).toEqual([['keychange'], 1]);
    socket.close();
  });

  it('is CLIENT_NOT_RUNNING when refused, when the handshake never finishes, or without WebSocket', async () => {
    await expect(open('ws://127.0.0.1:1/').request({}, ask)).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { client: '测试客户端', url: 'ws://127.0.0.1:1/' } });
    tcp = createTcpServer((s) => void held.push(s)); // accepts, never answers the upgrade
    await new Promise<void>((resolve) => tcp?.listen(0, '127.0.0.1', resolve));
    const address = tcp.address();
    const silent = open(`ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`, { connectTimeoutMs: 200 });
    await expect(silent.request({}, ask)).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING' });
    silent.close();
    const none = open('ws://127.0.0.1:1/', { WebSocket: undefined });
    const saved = globalThis.WebSocket;
    Reflect.deleteProperty(globalThis, 'WebSocket');
    try {
      await expect(none.request({}, ask)).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING' });
    } finally {
      Object.assign(globalThis, { WebSocket: saved });
    }
  });

  it('is CLIENT_NOT_RUNNING when the client goes away mid-call, and reconnects afterwards', async () => {
    let drop = true;
    const url = await serve((m, socket) => {
      if (drop) {
        drop = false;
        socket.terminate();
        return undefined;
      }
      return { id: m['id'], ok: true };
    });
    const socket = open(url);
    await expect(socket.request({}, ask)).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING' });
    expect((await socket.request({}, ask))['ok']).toBe(true);
    socket.close();
  });

  it('ignores a late reply to a timed-out request; fails everyone on a non-object or unknown id', async () => {
    const late: (() => void)[] = [];
    const url = await serve((m, socket) => {
      if (m['op'] === 'slow') return void late.push(() => socket.send(JSON.stringify({ id: m['id'], late: true })));
      if (m['op'] === 'array') return '[1,2]';
      if (m['op'] === 'stranger') return { id: 'nobody' };
      return { id: m['id'], ok: true };
    });
    const socket = open(url);
    await expect(socket.request({ op: 'slow' }, { ...ask, timeoutMs: 50 })).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
    late.forEach((send) => send());
    expect((await socket.request({ op: 'ok' }, ask))['ok']).toBe(true);
    const waiting = socket.request({ op: 'slow' }, { ...ask, timeoutMs: 5000 });
    await expect(Promise.all([waiting, socket.request({ op: 'array' }, ask)])).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
    await expect(waiting).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
    await expect(socket.request({ op: 'stranger' }, ask)).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR', details: { reason: 'a reply for unknown id "nobody"' } });
    socket.close();
  });

  it('drops a repeated reply to a finished request instead of failing the requests still waiting', async () => {
    const held: (() => void)[] = [];
    const url = await serve((m, socket) => {
      if (m['op'] === 'twice') return void setTimeout(() => [1, 2].forEach(() => socket.send(JSON.stringify({ id: m['id'], n: 1 }))), 20);
      if (m['op'] === 'slow') return void held.push(() => socket.send(JSON.stringify({ id: m['id'], ok: true })));
      return undefined;
    });
    const socket = open(url);
    const waiting = socket.request({ op: 'slow' }, { ...ask, timeoutMs: 2000 });
    expect((await socket.request({ op: 'twice' }, ask))['n']).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    held.forEach((send) => send());
    expect((await waiting)['ok']).toBe(true);
    socket.close();
  });

  it('rejects waiting requests with USER_CANCELLED on close() and on abort', async () => {
    const url = await serve(() => undefined);
    const socket = open(url);
    const controller = new AbortController();
    const aborted = socket.request({}, { ...ask, timeoutMs: 5000, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(aborted).rejects.toMatchObject({ code: 'USER_CANCELLED' });
    const pending = socket.request({}, { ...ask, timeoutMs: 5000 });
    setTimeout(() => socket.close(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'USER_CANCELLED' });
  });
});
