/**
 * Test support (not exported): an emulator of BJCA's key client (BJCA证书应用环境) on a loopback port,
 * answering from a software token the way BJCA's public page scripts
 * xtxasyn.js 3.4.1 and XTXSAB.js 2.x expect, awkward parts included:
 *
 * - 3.4.1 (default): WebSocket at `/xtxapp/`, replies `{ call_cmd_id, retValue, token? }`; the same
 *   port serves the synchronous `POST /synctl` form (`{ url, clsid, func, param, token }` in, the same
 *   reply out, with CORS headers so a page can call it); 2.x (`dialect: '2.x'`): WebSocket at `/`,
 *   replies `{ call_cmd_id, retVal }`;
 * - every value is a string: booleans `"true"` / `"false"`, numbers `"3"`, failures `"false"`,
 *   `"-1"` or `""`; `reply: 'both'` sends `retVal` and `retValue` disagreeing (retValue is right);
 * - the user list ends with `&&&` (give the software token's certificates ids shaped like BJCA's
 *   certIds, `<container>/<device serial>`);
 * - `SOF_GetPinRetryCount` answers `-8` for a certId it does not know;
 * - a token comes with a successful `SOF_Login` and is dropped by the client after `SOF_Logout`;
 * - `SOF_GetLastError` answers in BJCA's own small numbers, not the SOR table, with a message from
 *   `SOF_GetLastErrMsg` ({@link BJCA_EMULATED_ERRORS}: the numbers are the emulator's own, BJCA's
 *   table is not public; the message for a cancel says 取消);
 * - key insertion and removal are pushed as `{ call_cmd_id: "onUsbkeyChange" }`;
 * - `SOF_PriKeyDecrypt(certId, inData)` decrypts the base64 ciphertext with the token's encryption
 *   key and answers the base64 plaintext (the shape is assumed, see xtx.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { isYizhengError } from '@yizheng/core/client';
import type { ClientFault, SoftwareToken } from '@yizheng/core/software-token';

/**
 * The emulator's BJCA-style error numbers and messages, by the client code the software token failed
 * with (the numbers are the emulator's own; BJCA's table is not public).
 */
export const BJCA_EMULATED_ERRORS: Readonly<Record<string, { readonly code: number; readonly message: string }>> = {
  PIN_INCORRECT: { code: 18, message: '口令错误' },
  PIN_LOCKED: { code: 19, message: '口令已锁死' },
  USER_CANCELLED: { code: 3, message: '用户取消操作' },
  DEVICE_REMOVED: { code: 4, message: '设备已拔出' },
  CERT_NOT_FOUND: { code: 5, message: '未找到证书' },
  TOKEN_NOT_PRESENT: { code: 5, message: '未找到证书' },
  TOKEN_LOGIN_REQUIRED: { code: 6, message: '用户未登录' },
  CLIENT_REPORTED_ERROR: { code: 7, message: '解密失败' },
};
const OTHER_ERROR = { code: 1, message: '未知错误' };

const BOOLEANS = /^SOF_(Login|LoginEx|ChangePassWd|Logout)$/;
const NUMBERS = /^SOF_(GetPinRetryCount|GetLastError)$/;

/** Options of {@link startXtxEmulator}. */
export interface XtxEmulatorOptions {
  /** `3.4.1` (default: `/xtxapp/`, `retValue`, `/synctl`) or `2.x` (`/`, `retVal`). */
  readonly dialect?: '3.4.1' | '2.x';
  /** Which reply field carries the value; default by dialect; `both`: retVal and retValue disagree. */
  readonly reply?: 'retValue' | 'retVal' | 'both';
}

/** A running emulator. */
export interface XtxEmulator {
  /** Its WebSocket URL (`ws://127.0.0.1:<port>/xtxapp/`, or `/` for 2.x). */
  readonly url: string;
  /** Its `/synctl` URL (3.4.1). */
  readonly synctlUrl: string;
  /** The requests it received (WebSocket messages and `/synctl` bodies), in order. */
  readonly requests: Record<string, unknown>[];
  /** Makes the next reply faulty. */
  tamper(fault: ClientFault): boolean;
  /** Makes the next call of `fn` fail, with this BJCA code and message from `SOF_GetLastError` / `SOF_GetLastErrMsg`. */
  failNext(fn: string, code: number, message: string): void;
  /** Changes which reply field carries the value. */
  setReply(reply: 'retValue' | 'retVal' | 'both'): void;
  /** Stops it. */
  stop(): Promise<void>;
}

/** Starts an emulator over `token` (see the module comment; create it with `signatureFormat: 'der'`). */
export async function startXtxEmulator(token: SoftwareToken, options: XtxEmulatorOptions = {}): Promise<XtxEmulator> {
  const legacy = options.dialect === '2.x';
  let replyField = options.reply ?? (legacy ? 'retVal' : 'retValue');
  const requests: Record<string, unknown>[] = [];
  const faults: ClientFault[] = [];
  const forced = new Map<string, { code: number; message: string }>();
  const sockets = new Set<WebSocket>();
  let lastError = { code: 0, message: '' };
  let session = '';
  let sessions = 0;

  /** The call's value as BJCA's client sends it (a string), and the token to send with it. */
  async function answer(fn: string, params: readonly unknown[]): Promise<{ value: string; token?: string }> {
    const fail = (error: { code: number; message: string }): { value: string } => {
      lastError = error;
      return { value: BOOLEANS.test(fn) ? 'false' : NUMBERS.test(fn) ? '-1' : '' };
    };
    const injected = forced.get(fn);
    if (injected) {
      forced.delete(fn);
      return fail(injected);
    }
    if (fn === 'SOF_GetLastError') return { value: String(lastError.code) };
    if (fn === 'SOF_GetLastErrMsg') return { value: lastError.message };
    const id = String(params[0] ?? '');
    try {
      switch (fn) {
        case 'SOF_GetUserList':
          return { value: (await token.listCertificates()).map((c) => `${c.label}||${c.id}&&&`).join('') };
        case 'SOF_ExportUserCert':
        case 'SOF_ExportExChangeUserCert': {
          const cert = token.present ? (await token.listCertificates()).find((c) => c.id === id) : undefined;
          const value = fn === 'SOF_ExportUserCert' ? cert?.certificate : cert?.encryptionCertificate;
          return value === undefined ? fail(BJCA_EMULATED_ERRORS['CERT_NOT_FOUND'] ?? OTHER_ERROR) : { value };
        }
        case 'SOF_Login':
        case 'SOF_LoginEx':
          await token.login(id, String(params[1] ?? ''));
          session = `xtx-token-${++sessions}`;
          return { value: 'true', token: session };
        case 'SOF_GetPinRetryCount':
          return { value: String((await token.getPinStatus(id)).remaining) };
        case 'SOF_SignData':
          return { value: (await token.sign(id, String(params[1] ?? ''))).signature };
        case 'SOF_PriKeyDecrypt':
          return { value: await token.decrypt({ certificateId: id, ciphertext: String(params[1] ?? '') }) };
        case 'SOF_ChangePassWd':
          await token.changePin(id, String(params[1] ?? ''), String(params[2] ?? ''));
          return { value: 'true' };
        case 'SOF_Logout':
          await token.logout(id);
          session = '';
          return { value: 'true' };
        default:
          return fail(OTHER_ERROR);
      }
    } catch (error) {
      const code = isYizhengError(error) ? error.code : '';
      // BJCA answers -8 tries for a certId it does not know (or no key holds).
      if (fn === 'SOF_GetPinRetryCount' && (code === 'CERT_NOT_FOUND' || code === 'TOKEN_NOT_PRESENT')) {
        lastError = BJCA_EMULATED_ERRORS['CERT_NOT_FOUND'] ?? OTHER_ERROR;
        return { value: '-8' };
      }
      if (/^SOF_Login(Ex)?$/.test(fn)) session = '';
      return fail(BJCA_EMULATED_ERRORS[code] ?? OTHER_ERROR);
    }
  }

  /** The reply object for `id`, with the value in the configured field(s). */
  function replyOf(id: unknown, fn: string, value: string, withToken?: string): Record<string, unknown> {
    const wrong = value === 'true' ? 'false' : value === 'false' ? 'true' : NUMBERS.test(fn) ? '-1' : 'bm90IHRoaXM=';
    const fields =
      replyField === 'both' ? { retVal: wrong, retValue: value } : replyField === 'retVal' ? { retVal: value } : { retValue: value };
    return { ...(id !== undefined && { call_cmd_id: id }), ...fields, ...(withToken !== undefined && { token: withToken }) };
  }

  async function handle(message: Record<string, unknown>, fnField: 'xtx_func_name' | 'func'): Promise<string | undefined> {
    const id = message['call_cmd_id'];
    switch (faults.shift()) {
      case 'not-json':
        return '{"call_cmd_id":';
      case 'missing-fields':
        return JSON.stringify({ call_cmd_id: id });
      case 'wrong-id':
        return JSON.stringify({ call_cmd_id: 'i_9999', retValue: 'true', retVal: 'true' });
      case 'silent':
        return undefined;
      default:
        break;
    }
    const fn = String(message[fnField]);
    const params = Array.isArray(message['param']) ? (message['param'] as unknown[]) : [];
    const { value, token: issued } = await answer(fn, params);
    return JSON.stringify(replyOf(id, fn, value, issued));
  }

  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type', 'access-control-allow-methods': 'POST, OPTIONS' };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (legacy || (req.url ?? '').split('?')[0] !== '/synctl') {
      res.writeHead(404, cors).end();
      return;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    void (async () => {
      let text = '';
      for await (const chunk of req) text += String(chunk);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        res.writeHead(400, cors).end();
        return;
      }
      requests.push(body);
      const reply = await handle(body, 'func');
      if (reply === undefined) return; // silent: the request hangs
      res.writeHead(200, { ...cors, 'content-type': 'application/json; charset=utf-8' }).end(reply);
    })();
  });
  const wss = new WebSocketServer({ server, path: legacy ? '/' : '/xtxapp/' });
  const unsubscribe = token.onEvent(() => {
    for (const s of sockets) s.send(JSON.stringify(replyOf('onUsbkeyChange', 'onUsbkeyChange', '')));
  });
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(String(data)) as Record<string, unknown>;
      } catch {
        return;
      }
      requests.push(message);
      void handle(message, 'xtx_func_name').then((text) => text !== undefined && socket.send(text));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `ws://127.0.0.1:${port}${legacy ? '/' : '/xtxapp/'}`,
    synctlUrl: `http://127.0.0.1:${port}/synctl`,
    requests,
    tamper(fault) {
      faults.push(fault);
      return true;
    },
    failNext(fn, code, message) {
      forced.set(fn, { code, message });
    },
    setReply(reply) {
      replyField = reply;
    },
    async stop() {
      unsubscribe();
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
