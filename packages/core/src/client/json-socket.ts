/**
 * JSON requests over a WebSocket to a loopback key client (BJCA's XTX service, a SOF-over-JSON
 * client, the PKCS#11 bridge): one connection opened on first use, requests matched to replies by an
 * id field, unsolicited messages passed on as events, and every failure a client error:
 *
 * - connection refused, or no connection within `connectTimeoutMs` → `CLIENT_NOT_RUNNING`;
 * - the connection dropping while a request waits → `CLIENT_NOT_RUNNING`;
 * - no reply within the request's timeout, a reply that is not a JSON object, or a reply for an id
 *   nobody asked for → `CLIENT_PROTOCOL_ERROR` (the last two fail every waiting request at once:
 *   the two sides no longer agree, so waiting would only end in timeouts);
 * - the caller's AbortSignal, or `close()` → `USER_CANCELLED`.
 */
import { bounded, cancelled } from './abort';
import { clientError, isRecord, protocolError } from './errors';

/** The part of the WebSocket API used here (the browser's, or Node ≥ 22's global one). */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Sends a text frame. */
  send(data: string): void;
  /** Closes the connection. */
  close(): void;
  /** Listens for `open`, `message`, `error` and `close`. */
  addEventListener(type: string, listener: (event: { readonly data?: unknown }) => void): void;
}

/** A WebSocket constructor. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Options of {@link createJsonSocket}. */
export interface JsonSocketOptions {
  /** The client's URL, e.g. `ws://127.0.0.1:21051/xtxapp/`. */
  readonly url: string;
  /** The client's name for `CLIENT_NOT_RUNNING` (e.g. `BJCA证书应用环境`). */
  readonly client: string;
  /** The field holding the request id in requests and replies, e.g. `call_cmd_id`. */
  readonly idField: string;
  /** Prefix of generated ids (`i_` gives `i_1`, `i_2`, ...); default none. */
  readonly idPrefix?: string | undefined;
  /**
   * For a message whose id matches no request: its event name, or undefined when it is no event
   * (then it is a protocol error). Default: nothing is an event.
   */
  readonly eventName?: ((message: Readonly<Record<string, unknown>>) => string | undefined) | undefined;
  /** Time to connect; default 5 s. */
  readonly connectTimeoutMs?: number | undefined;
  /** WebSocket constructor; default the global one. */
  readonly WebSocket?: WebSocketConstructor | undefined;
}

/** A request's options. */
export interface JsonRequestOptions {
  /** Aborts the request (`USER_CANCELLED`). */
  readonly signal?: AbortSignal | undefined;
  /** Time to wait for the reply. */
  readonly timeoutMs: number;
  /** What is asked, for error messages (e.g. the function name). */
  readonly what: string;
}

/** A JSON request/reply channel to a loopback client. */
export interface JsonSocket {
  /** Sends `message` with a fresh id and resolves with the reply (the whole JSON object). */
  request(message: Readonly<Record<string, unknown>>, options: JsonRequestOptions): Promise<Record<string, unknown>>;
  /** Listens for events; returns the unsubscribe function. Opens the connection if needed (failures are silent here). */
  onEvent(listener: (name: string, message: Readonly<Record<string, unknown>>) => void): () => void;
  /** Closes the connection; waiting requests reject with `USER_CANCELLED`. */
  close(): void;
}

interface Pending {
  readonly resolve: (reply: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
}

const OPEN = 1;
const ABANDONED_IDS_KEPT = 64;

/** Opens (lazily) a JSON request channel to a loopback client over a WebSocket. */
export function createJsonSocket(options: JsonSocketOptions): JsonSocket {
  const pending = new Map<string, Pending>();
  const abandoned = new Set<string>();
  const listeners = new Set<(name: string, message: Readonly<Record<string, unknown>>) => void>();
  let socket: WebSocketLike | undefined;
  let opening: Promise<WebSocketLike> | undefined;
  let counter = 0;

  const notRunning = (cause?: unknown): Error => clientError('CLIENT_NOT_RUNNING', { client: options.client, url: options.url }, cause);

  /** Forgets a pending request, keeping its id (a bounded set) so that late or repeated replies to it are dropped. */
  function done(id: string): void {
    if (!pending.delete(id)) return;
    abandoned.add(id);
    if (abandoned.size > ABANDONED_IDS_KEPT) abandoned.delete(abandoned.values().next().value ?? id);
  }

  function failAll(error: Error): void {
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(error);
    }
  }

  function onMessage(data: unknown): void {
    let message: unknown;
    try {
      message = typeof data === 'string' ? JSON.parse(data) : undefined;
    } catch {
      message = undefined;
    }
    if (!isRecord(message)) {
      failAll(protocolError(`${options.client} sent a message that is not a JSON object`));
      return;
    }
    const rawId = message[options.idField];
    const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : undefined;
    const waiting = id === undefined ? undefined : pending.get(id);
    if (id !== undefined && waiting) {
      done(id);
      waiting.resolve(message);
      return;
    }
    if (id !== undefined && abandoned.has(id)) return; // a late or repeated reply to a finished request
    const event = options.eventName?.(message);
    if (event !== undefined) {
      for (const listener of listeners) listener(event, message);
      return;
    }
    failAll(protocolError(id === undefined ? `a reply without ${options.idField}` : `a reply for unknown ${options.idField} "${id.slice(0, 40)}"`));
  }

  function connect(signal?: AbortSignal): Promise<WebSocketLike> {
    if (socket && socket.readyState === OPEN) return Promise.resolve(socket);
    if (opening) return opening;
    const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) return Promise.reject(notRunning());
    let ws: WebSocketLike;
    try {
      ws = new Ctor(options.url);
    } catch (error) {
      return Promise.reject(notRunning(error));
    }
    const attempt = new Promise<WebSocketLike>((resolve, reject) => {
      ws.addEventListener('open', () => {
        socket = ws;
        resolve(ws);
      });
      ws.addEventListener('error', () => reject(notRunning()));
      ws.addEventListener('close', () => {
        reject(notRunning());
        if (socket === ws) socket = undefined;
        failAll(notRunning());
      });
      ws.addEventListener('message', (event) => onMessage(event.data));
    });
    opening = bounded(attempt, {
      signal,
      timeoutMs: options.connectTimeoutMs ?? 5000,
      onTimeout: () => notRunning(),
    }).catch((error: unknown) => {
      if (socket !== ws) ws.close();
      throw error;
    });
    const current = opening;
    const clear = (): void => {
      if (opening === current) opening = undefined;
    };
    current.then(clear, clear);
    return current;
  }

  return {
    async request(message, { signal, timeoutMs, what }) {
      if (signal?.aborted) throw cancelled(signal);
      const ws = await connect(signal);
      const id = `${options.idPrefix ?? ''}${++counter}`;
      const reply = new Promise<Record<string, unknown>>((resolve, reject) => pending.set(id, { resolve, reject }));
      try {
        ws.send(JSON.stringify({ ...message, [options.idField]: id }));
      } catch (error) {
        pending.delete(id);
        throw notRunning(error);
      }
      return bounded(reply, {
        signal,
        timeoutMs,
        onTimeout: () => protocolError(`no reply to ${what} within ${Math.round(timeoutMs / 1000)} s`),
        cleanup: () => done(id),
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      connect().catch(() => undefined);
      return () => void listeners.delete(listener);
    },
    close() {
      const ws = socket;
      socket = undefined;
      failAll(cancelled());
      ws?.close();
    },
  };
}
