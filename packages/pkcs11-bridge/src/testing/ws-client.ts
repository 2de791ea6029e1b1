/**
 * A scriptable WebSocket client for the bridge tests: sets any Origin and Host, records events, and
 * reports refused upgrades with their status, headers and body. Test-only.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';
import type { BridgeSocket } from '../browser/index';
import { BRIDGE_PATH } from '../protocol';

/** An error frame as the bridge sends it. */
export interface WireError {
  readonly code: string;
  readonly details: Record<string, unknown>;
}

/** A connected test client. */
export interface TestClient {
  readonly ws: WebSocket;
  /** Events received so far. */
  readonly events: Record<string, unknown>[];
  /** Sends a request and waits for its answer: `{ result }` or `{ error }`. */
  call(method: string, params?: Record<string, unknown>): Promise<{ result?: unknown; error?: WireError }>;
  /** Sends raw text. */
  sendRaw(text: string): void;
  /** Resolves with the close code. */
  readonly closed: Promise<number>;
  /** Closes the connection. */
  close(): void;
}

/** A refused upgrade. */
export interface Refusal {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Connects with the given Origin (none when null) and Host (default `127.0.0.1:<port>`). */
export function connect(port: number, options: { origin: string | null; host?: string; address?: string; path?: string }): Promise<TestClient | Refusal> {
  const address = options.address ?? '127.0.0.1';
  const url = `ws://${address.includes(':') ? `[${address}]` : address}:${port}${options.path ?? BRIDGE_PATH}`;
  const headers: Record<string, string> = {};
  if (options.host !== undefined) headers['Host'] = options.host;
  const ws = new WebSocket(url, { ...(options.origin !== null && { origin: options.origin }), headers, perMessageDeflate: false });
  const events: Record<string, unknown>[] = [];
  const waiting = new Map<number, (frame: Record<string, unknown>) => void>();
  const untagged: Record<string, unknown>[] = [];
  let nextId = 1;
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Record<string, unknown>;
    if ('event' in frame) {
      events.push(frame);
      return;
    }
    const id = frame['id'];
    const w = typeof id === 'number' ? waiting.get(id) : undefined;
    if (w && typeof id === 'number') {
      waiting.delete(id);
      w(frame);
    } else {
      untagged.push(frame);
    }
  });
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    ws.on('error', (err) => reject(err));
    ws.on('open', () =>
      resolve({
        ws,
        events,
        closed,
        sendRaw: (text) => ws.send(text),
        close: () => ws.close(),
        call(method, params = {}) {
          const id = nextId++;
          return new Promise((res) => {
            waiting.set(id, (frame) => res(frame as { result?: unknown; error?: WireError }));
            ws.send(JSON.stringify({ id, method, params }));
          });
        },
      }),
    );
  });
}

/** Narrows a connect() outcome to a client (throws on a refusal). */
export function asClient(outcome: TestClient | Refusal): TestClient {
  if ('status' in outcome) throw new Error(`refused with ${outcome.status}: ${outcome.body}`);
  return outcome;
}

/** A {@link BridgeSocket} over `ws` with a chosen Origin, for driving the page driver from Node. */
export function wsBridgeSocket(origin: string): (url: string) => BridgeSocket {
  return (url) => {
    const ws = new WebSocket(url, { origin, perMessageDeflate: false });
    const socket: BridgeSocket = {
      get readyState() {
        return ws.readyState;
      },
      send: (data) => ws.send(data),
      close: (code, reason) => ws.close(code, reason),
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
    };
    ws.on('open', () => socket.onopen?.({}));
    ws.on('message', (data) => socket.onmessage?.({ data: data.toString() }));
    ws.on('close', () => socket.onclose?.({}));
    ws.on('error', () => socket.onerror?.({}));
    return socket;
  };
}
