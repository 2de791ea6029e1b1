import { describe, expect, it } from 'vitest';
import { verifySignature } from '@yizheng/core/crypto';
import type { YizhengError } from '@yizheng/core/client';
import { createSoftwareToken, tokenDriverChecks, type TokenDriverHarness } from '@yizheng/core/software-token';
import { createTestCa, issueCertificatePair, privateKeyToPem } from '@yizheng/core/testing';
import { startXtxEmulator } from './emulator';
import { BJCA_LEGACY_URLS, BJCA_XTX_CLSID, BJCA_XTX_URLS, bjcaClientError, createBjcaDriver } from './index';

const ca = createTestCa({ subject: 'CN=BJCA Test SM2 CA, O=BJCA, C=CN', keyAlgorithm: 'sm2' });
const pair = issueCertificatePair({ subject: 'CN=张三, O=厦门帝网信息科技有限公司, C=CN', issuer: ca });
/** A certId as BJCA's client writes them: `<container>/<device serial>`. */
const CERT_ID = 'SM2SIGN-0f3a9c/BJ1903260001';
const certificates = [{ certificate: pair.signing.pem, privateKey: privateKeyToPem(pair.signing.key), encryptionCertificate: pair.encryption.pem, id: CERT_ID }];
const PAGE = 'https://bid.example.gov.cn/login';

const harness: TokenDriverHarness = {
  certificates,
  provider: 'bjca',
  async start(token) {
    const emulator = await startXtxEmulator(token);
    const driver = createBjcaDriver({ url: emulator.url, legacyUrls: [], timeoutMs: 400, interactiveTimeoutMs: 400, pageUrl: PAGE });
    return { driver, tamper: emulator.tamper, stop: emulator.stop };
  },
  notRunning: () => createBjcaDriver({ url: 'ws://127.0.0.1:1/xtxapp/', legacyUrls: [] }),
  verify: ({ certificate, text, signature }) => verifySignature({ certificate, data: text, signature: signature.signature, format: signature.format }),
};

describe('BJCA XTX driver against an emulated BJCA证书应用环境', () => {
  for (const check of tokenDriverChecks(harness)) it(check.name, check.run);

  it('speaks XTX 3.4.1: CLSID, xtx_func_name and func, URL, param_N and param, the token after a login and not after a logout', async () => {
    const token = await createSoftwareToken({ certificates, signatureFormat: 'der' });
    const emulator = await startXtxEmulator(token);
    const driver = createBjcaDriver({ url: emulator.url, legacyUrls: [], pageUrl: PAGE });
    const certId = CERT_ID;
    try {
      const [cert] = await driver.listCertificates();
      expect(cert).toMatchObject({ id: certId, label: '张三', provider: 'bjca', keyId: 'BJ1903260001', encryptionCertificate: Buffer.from(pair.encryption.der).toString('base64') });
      expect(emulator.requests[0]).toEqual({ call_cmd_id: 'i_1', CLSID: BJCA_XTX_CLSID, xtx_func_name: 'SOF_GetUserList', func: 'SOF_GetUserList', URL: PAGE, param: [] });
      expect(emulator.requests.map((r) => r['xtx_func_name'])).toContain('SOF_ExportExChangeUserCert');
      await driver.login(certId, '123456');
      expect(emulator.requests.at(-1)).toMatchObject({ xtx_func_name: 'SOF_Login', param_1: certId, param_2: '123456', param: [certId, '123456'] });
      expect(emulator.requests.at(-1)).not.toHaveProperty('token');
      const signature = await driver.sign(certId, 'yizheng:1|login|x');
      expect(signature.format).toBe('auto');
      expect(Buffer.from(signature.signature, 'base64')[0]).toBe(0x30); // DER SEQUENCE, as BJCA clients return for SM2
      expect(emulator.requests.at(-1)).toMatchObject({ xtx_func_name: 'SOF_SignData', param: [certId, 'yizheng:1|login|x'], token: 'xtx-token-1' });
      await driver.logout?.(certId);
      expect(emulator.requests.at(-1)).toMatchObject({ xtx_func_name: 'SOF_Logout', token: 'xtx-token-1' });
      expect(await driver.getPinStatus?.(certId)).toEqual({ remaining: 6, source: 'exact', finalTry: false, locked: false, mustChange: false });
      expect(emulator.requests.at(-1)).not.toHaveProperty('token');
    } finally {
      await driver.close?.();
      await emulator.stop();
    }
  });

  it('checks the 6–16 PIN length before the key sees it', async () => {
    const driver = createBjcaDriver({ url: 'ws://127.0.0.1:1/xtxapp/', legacyUrls: [] });
    await expect(driver.login('cert-1', '12345')).rejects.toMatchObject({ code: 'PIN_LEN_RANGE', details: { min: 6, max: 16 } });
    await expect(driver.login('cert-1', '12345678901234567')).rejects.toMatchObject({ code: 'PIN_LEN_RANGE' });
  });

  it('connects to wss://127.0.0.1:21061/xtxapp/ from an https page, ws://...:21051 otherwise, then the 2.x ports in turn', async () => {
    const urls: string[] = [];
    class Recorder {
      readyState = 3;
      constructor(url: string) {
        urls.push(url);
        throw new Error('refused');
      }
      send(): void {}
      close(): void {}
      addEventListener(): void {}
    }
    await expect(createBjcaDriver({ WebSocket: Recorder }).listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { client: 'BJCA证书应用环境' } });
    expect(urls).toEqual([BJCA_XTX_URLS.http, ...BJCA_LEGACY_URLS]);
    expect(BJCA_LEGACY_URLS).toEqual(['ws://127.0.0.1:4044/', 'ws://127.0.0.1:5044/', 'ws://127.0.0.1:6044/', 'ws://127.0.0.1:7044/', 'ws://127.0.0.1:8044/']);
    urls.length = 0;
    const location = { protocol: 'https:', href: 'https://bid.example.gov.cn/' };
    Object.assign(globalThis, { location });
    try {
      await expect(createBjcaDriver({ WebSocket: Recorder, legacyUrls: [] }).listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING' });
    } finally {
      Reflect.deleteProperty(globalThis, 'location');
    }
    expect(urls).toEqual([BJCA_XTX_URLS.https]);
  });
  it('falls back to a 2.x port (retVal replies, no CLSID, no token), then to /synctl when asked', async () => {
    const token = await createSoftwareToken({ certificates, signatureFormat: 'der' });
    const legacy = await startXtxEmulator(token, { dialect: '2.x' });
    const modern = await startXtxEmulator(token);
    const dead = 'ws://127.0.0.1:1/xtxapp/';
    const viaLegacy = createBjcaDriver({ url: dead, legacyUrls: ['ws://127.0.0.1:1/', legacy.url], pageUrl: PAGE });
    const viaSynctl = createBjcaDriver({ url: dead, legacyUrls: [], synctl: modern.synctlUrl, pageUrl: PAGE });
    try {
      expect((await viaLegacy.listCertificates()).map((c) => c.id)).toEqual([CERT_ID]);
      await viaLegacy.login(CERT_ID, '123456');
      await viaLegacy.sign(CERT_ID, 'yizheng:1|login|x');
      expect(legacy.requests[0]).toEqual({ cookie: '', xtx_func_name: 'SOF_GetUserList', call_cmd_id: 'i_1', URL: PAGE, param: [] });
      expect(legacy.requests.at(-1)).toMatchObject({ xtx_func_name: 'SOF_SignData', param_1: CERT_ID, param_2: 'yizheng:1|login|x' });
      expect(legacy.requests.at(-1)).not.toHaveProperty('token');

      expect((await viaSynctl.listCertificates()).map((c) => c.id)).toEqual([CERT_ID]);
      expect(modern.requests[0]).toEqual({ url: PAGE, clsid: BJCA_XTX_CLSID, func: 'SOF_GetUserList', param: [] });
      await viaSynctl.login(CERT_ID, '123456');
      await viaSynctl.sign(CERT_ID, 'yizheng:1|login|x');
      expect(modern.requests.at(-1)).toMatchObject({ func: 'SOF_SignData', param: [CERT_ID, 'yizheng:1|login|x'], token: 'xtx-token-1' });
      await expect(viaSynctl.login(CERT_ID, '654321')).rejects.toMatchObject({ code: 'PIN_INCORRECT', details: { remaining: 5 } });
      await viaSynctl.getPinStatus?.(CERT_ID);
      expect(modern.requests.at(-1)).not.toHaveProperty('token'); // a failed login drops it
    } finally {
      await viaLegacy.close?.();
      await viaSynctl.close?.();
      await legacy.stop();
      await modern.stop();
    }
  });

  it("keeps the tries left whatever SOF_GetLastError says, and BJCA's own code and words for a failure it cannot read", async () => {
    const token = await createSoftwareToken({ certificates, signatureFormat: 'der' });
    const emulator = await startXtxEmulator(token);
    const driver = createBjcaDriver({ url: emulator.url, legacyUrls: [], pageUrl: PAGE });
    try {
      await driver.listCertificates();
      emulator.failNext('SOF_Login', 4, '设备已拔出');
      await expect(driver.login(CERT_ID, '123456')).rejects.toMatchObject({ code: 'PIN_INCORRECT', details: { remaining: 6 } });
      expect(emulator.requests.map((r) => r['xtx_func_name'])).not.toContain('SOF_GetLastError');
      await driver.login(CERT_ID, '123456');
      emulator.failNext('SOF_SignData', 9001, '签名服务内部错误');
      const failed = (await driver.sign(CERT_ID, 'yizheng:1|login|x').then(() => undefined, (e: unknown) => e)) as YizhengError;
      expect(failed).toMatchObject({
        code: 'CLIENT_REPORTED_ERROR',
        details: { fn: 'SOF_SignData', certId: CERT_ID, vendorCode: 9001, vendorText: '签名服务内部错误' },
      });
      expect(failed.message).toContain('签名服务内部错误');
    } finally {
      await driver.close?.();
      await emulator.stop();
    }
  });

  it('sends a login only where a well-formed XTX reply came from: never down the 2.x ports after the 3.x client went away', async () => {
    const xtxLike = (m: Record<string, unknown>) => ({ retValue: m['xtx_func_name'] === 'SOF_GetPinRetryCount' ? '5' : 'true' });
    const rogue = fakeXtx({ 'ws://127.0.0.1:21051/xtxapp/': xtxLike, 'ws://127.0.0.1:4044/': xtxLike });
    rogue.down.add('ws://127.0.0.1:4044/');
    const driver = createBjcaDriver({ url: 'ws://127.0.0.1:21051/xtxapp/', legacyUrls: ['ws://127.0.0.1:4044/'], WebSocket: rogue.WebSocket, pageUrl: PAGE, timeoutMs: 200 });
    expect(await driver.getPinStatus?.(CERT_ID)).toMatchObject({ remaining: 5 });
    rogue.down.add('ws://127.0.0.1:21051/xtxapp/'); // the 3.x client stops; another server listens on 4044
    rogue.down.delete('ws://127.0.0.1:4044/');
    rogue.drop('ws://127.0.0.1:21051/xtxapp/');
    await expect(driver.login(CERT_ID, '123456')).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING' });
    expect(rogue.seen.filter((m) => m.url === 'ws://127.0.0.1:4044/').map((m) => m.message['xtx_func_name'])).not.toContain('SOF_Login');
    // A fresh driver whose first call is the login: the PIN waits for a well-formed reply, which a stranger does not give.
    const stranger = fakeXtx({ 'ws://127.0.0.1:4044/': () => ({ hello: 'not xtx' }) });
    stranger.down.add('ws://127.0.0.1:21051/xtxapp/');
    const fresh = createBjcaDriver({ url: 'ws://127.0.0.1:21051/xtxapp/', legacyUrls: ['ws://127.0.0.1:4044/'], WebSocket: stranger.WebSocket, pageUrl: PAGE, timeoutMs: 200 });
    await expect(fresh.login(CERT_ID, '123456')).rejects.toMatchObject({ name: 'YizhengError' });
    expect(stranger.seen.map((m) => m.message['xtx_func_name'])).toEqual(['SOF_GetUserList']);
  });

  it('never sends a login twice: a /synctl login lost in flight is not sent again over a WebSocket', async () => {
    const ws = fakeXtx({ 'ws://127.0.0.1:21051/xtxapp/': () => ({ retValue: 'true' }) });
    ws.down.add('ws://127.0.0.1:21051/xtxapp/');
    const posted: string[] = [];
    const fetch = async (_url: string, init?: RequestInit): Promise<Response> => {
      const func = String((JSON.parse(String(init?.body)) as { func: string }).func);
      posted.push(func);
      if (func === 'SOF_Login') throw new TypeError('Failed to fetch'); // the client got it, the answer was lost
      return new Response(JSON.stringify({ retValue: '6' }));
    };
    const driver = createBjcaDriver({ url: 'ws://127.0.0.1:21051/xtxapp/', legacyUrls: [], synctl: 'http://127.0.0.1:21051/synctl', fetch, WebSocket: ws.WebSocket, pageUrl: PAGE });
    await driver.getPinStatus?.(CERT_ID); // /synctl is now the endpoint in use
    ws.down.delete('ws://127.0.0.1:21051/xtxapp/');
    await expect(driver.login(CERT_ID, '123456')).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING' });
    expect(posted).toEqual(['SOF_GetPinRetryCount', 'SOF_Login']);
    expect(ws.seen.map((m) => m.message['xtx_func_name'])).not.toContain('SOF_Login');
  });

  it('takes the token only from a successful SOF_Login; "true" is no signature; BJCA\'s text is cut at 200 characters', async () => {
    const url = 'ws://127.0.0.1:21051/xtxapp/';
    const xtx = fakeXtx({ [url]: (m) => ({ retValue: m['xtx_func_name'] === 'SOF_GetPinRetryCount' ? '6' : 'true', token: 'rogue' }) });
    const driver = createBjcaDriver({ url, legacyUrls: [], WebSocket: xtx.WebSocket, pageUrl: PAGE });
    await driver.getPinStatus?.(CERT_ID);
    await driver.getPinStatus?.(CERT_ID);
    expect(xtx.seen.at(-1)?.message).not.toHaveProperty('token');
    await expect(driver.sign(CERT_ID, 'x')).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
    await driver.login(CERT_ID, '123456');
    await driver.getPinStatus?.(CERT_ID);
    expect(xtx.seen.at(-1)?.message).toMatchObject({ token: 'rogue' });
    expect(String(bjcaClientError({ fn: 'SOF_SignData', vendorText: '错'.repeat(1000) }).details['vendorText'])).toHaveLength(200);
  });
});

/**
 * WebSocket fakes by URL: a URL in `down` refuses to connect; otherwise each request is answered with
 * `answer(message)` plus its call_cmd_id. `seen` records every request; `drop(url)` closes its sockets.
 */
function fakeXtx(answers: Record<string, (message: Record<string, unknown>) => Record<string, unknown>>) {
  const down = new Set<string>();
  const seen: { url: string; message: Record<string, unknown> }[] = [];
  const open: { url: string; close(): void }[] = [];
  class Fake {
    readyState = 0;
    private readonly on = new Map<string, ((event: { data?: unknown }) => void)[]>();
    constructor(readonly url: string) {
      setTimeout(() => {
        if (down.has(url) || !answers[url]) {
          this.readyState = 3;
          this.emit('error', {});
          this.emit('close', {});
          return;
        }
        this.readyState = 1;
        open.push(this);
        this.emit('open', {});
      }, 1);
    }
    addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
      this.on.set(type, [...(this.on.get(type) ?? []), listener]);
    }
    emit(type: string, event: { data?: unknown }): void {
      for (const l of this.on.get(type) ?? []) l(event);
    }
    send(data: string): void {
      const message = JSON.parse(data) as Record<string, unknown>;
      seen.push({ url: this.url, message });
      const reply = { call_cmd_id: message['call_cmd_id'], ...answers[this.url]?.(message) };
      setTimeout(() => this.emit('message', { data: JSON.stringify(reply) }), 1);
    }
    close(): void {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.emit('close', {});
    }
  }
  return { WebSocket: Fake, down, seen, drop: (url: string) => open.filter((s) => s.url === url).forEach((s) => s.close()) };
}
