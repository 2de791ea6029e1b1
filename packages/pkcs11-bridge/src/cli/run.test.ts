/**
 * The yizheng-bridge command (in-process): arguments, config file, the terminal approval prompt, and a
 * real start on SoftHSM.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTerminalApprover, createTerminalPinPrompter } from '../server/approval';
import { loadSoftHsm } from '../testing/softhsm';
import { asClient, connect } from '../testing/ws-client';
import { runBridgeCli, type BridgeCliIo } from './run';

const hsm = loadSoftHsm();

function io(env: Record<string, string> = {}): BridgeCliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    stdin: new PassThrough(),
    env: { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'yizheng-cli-')), ...env },
  };
}

describe('runBridgeCli', () => {
  it('prints help and version', async () => {
    const a = io();
    expect(await runBridgeCli(['--help'], a)).toBe(0);
    expect(a.out.join('')).toContain('--allow-origin');
    const b = io();
    expect(await runBridgeCli(['--version'], b, '1.2.3')).toBe(0);
    expect(b.out.join('')).toBe('yizheng-bridge 1.2.3\n');
  });

  it('refuses bad arguments and a missing module with exit code 2', async () => {
    const a = io();
    expect(await runBridgeCli(['--bogus'], a)).toBe(2);
    const b = io();
    expect(await runBridgeCli([], b)).toBe(2);
    expect(b.err.join('')).toContain('no PKCS#11 module');
    const c = io();
    expect(await runBridgeCli(['--module', '/x.so', '--port', '70000'], c)).toBe(2);
    const d = io();
    expect(await runBridgeCli(['--module', '/x.so', '--sm2-mechanism', 'abc'], d)).toBe(2);
    const e = io();
    expect(await runBridgeCli(['--module', '/x.so', '--pin-entry', 'keyboard'], e)).toBe(2);
    const f = io();
    expect(await runBridgeCli(['--module', '/x.so', '--pin-entry', 'helper', '--no-prompt'], f)).toBe(2);
    expect(f.err.join('')).toContain('cannot go with --no-prompt');
  });

  it('explains a module that does not load (CLIENT_NOT_RUNNING), in Chinese and English', async () => {
    const a = io();
    expect(await runBridgeCli(['--module', '/nonexistent/libvendor.so', '--port', '0'], a)).toBe(1);
    expect(a.err.join('')).toMatch(/\[CLIENT_NOT_RUNNING\] 未检测到PKCS#11 module \/nonexistent\/libvendor\.so.* \/ PKCS#11 module \/nonexistent\/libvendor\.so is not running/);
  });
});

describe('createTerminalApprover', () => {
  it('approves only when the typed code matches, and refuses on timeout', async () => {
    const input = new PassThrough();
    const shown: string[] = [];
    const approve = createTerminalApprover({ input, write: (t) => void shown.push(t) });
    const signal = new AbortController().signal;
    const right = approve({ origin: 'https://bid.example.gov.cn', code: '123456', signal });
    setTimeout(() => input.write('123 456\n'), 10);
    expect(await right).toBe(true);
    expect(shown.join('')).toContain('网站 https://bid.example.gov.cn 请求使用您的UKey');
    expect(shown.join('')).not.toContain('123456'); // the code is typed by the user, never printed
    const wrong = approve({ origin: 'https://bid.example.gov.cn', code: '123456', signal });
    setTimeout(() => input.write('654321\n'), 10);
    expect(await wrong).toBe(false);
    const controller = new AbortController();
    const late = approve({ origin: 'https://bid.example.gov.cn', code: '123456', signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    expect(await late).toBe(false);
  });
});

describe('createTerminalPinPrompter', () => {
  const request = { origin: 'https://bid.example.gov.cn', certificate: '李四 签名', token: 'FAKE0001', finalTry: false, mayBeFinalTry: false, wrongPins: 0 } as const;

  it('asks naming the site and the certificate, returns the typed PIN, and never prints it', async () => {
    const input = new PassThrough();
    const shown: string[] = [];
    const ask = createTerminalPinPrompter({ input, write: (t) => void shown.push(t) });
    const signal = new AbortController().signal;
    const pin = ask({ ...request, ask: 'login', finalTry: true, signal });
    setTimeout(() => input.write('2468 10\r\n'), 10);
    expect(await pin).toBe('2468 10');
    const text = shown.join('');
    expect(text).toContain('网站 https://bid.example.gov.cn 请求使用证书“李四 签名”（UKey FAKE0001）登录');
    expect(text).toContain('只剩最后1次机会');
    expect(text).not.toContain('2468');
  });

  it('warns when the try may be the last: wrong PINs came before and the key does not say how many are left', async () => {
    const input = new PassThrough();
    const shown: string[] = [];
    const ask = createTerminalPinPrompter({ input, write: (t) => void shown.push(t) });
    const pin = ask({ ...request, ask: 'login', mayBeFinalTry: true, wrongPins: 2, signal: new AbortController().signal });
    setTimeout(() => input.write('246810\n'), 10);
    expect(await pin).toBe('246810');
    const text = shown.join('');
    expect(text).toContain('此前已连续输错2次密码');
    expect(text).toContain('a wrong PIN now may lock it');
    expect(text).not.toContain('只剩最后1次机会');
  });

  it('cancels on an empty answer or a timeout', async () => {
    const input = new PassThrough();
    const ask = createTerminalPinPrompter({ input, write: () => undefined });
    const empty = ask({ ...request, ask: 'new-pin', signal: new AbortController().signal });
    setTimeout(() => input.write('\n'), 10);
    expect(await empty).toBeNull();
    const controller = new AbortController();
    const late = ask({ ...request, ask: 'old-pin', signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    expect(await late).toBeNull();
  });
});

describe.skipIf(hsm.skip !== null)(hsm.skip ?? 'runBridgeCli on SoftHSM', () => {
  const f = hsm.fixtures;

  it('lists tokens and certificates', async () => {
    if (!f) return;
    const a = io();
    expect(await runBridgeCli(['--module', f.module, '--list'], a)).toBe(0);
    const text = a.out.join('');
    expect(text).toContain(`${f.tokens.main.label} (serial`);
    expect(text).toMatch(/\/02 {2}李四 签名 {2}ec signing/);
  });

  it('serves the allow-list from the config file, with flags added', async () => {
    if (!f) return;
    const dir = mkdtempSync(join(tmpdir(), 'yizheng-cfg-'));
    const config = join(dir, 'bridge.json');
    writeFileSync(config, JSON.stringify({ module: f.module, port: 0, allowedOrigins: ['https://bid.example.gov.cn'], prompt: false }));
    const a = io();
    const handle = await runBridgeCli(['--config', config, '--allow-origin', 'https://zfcg.example.gov.cn'], a);
    if (typeof handle === 'number') throw new Error(a.err.join(''));
    try {
      expect(handle.bridge.isApproved('https://bid.example.gov.cn')).toBe(true);
      expect(handle.bridge.isApproved('https://zfcg.example.gov.cn')).toBe(true);
      expect(a.err.join('')).toContain('一证证书桥接程序已启动');
      const c = asClient(await connect(handle.bridge.port, { origin: 'https://zfcg.example.gov.cn' }));
      const list = (await c.call('listCertificates')).result as unknown[];
      expect(list.length).toBeGreaterThanOrEqual(4);
      const stranger = asClient(await connect(handle.bridge.port, { origin: 'https://evil.example.com' }));
      expect((await stranger.call('requestApproval')).error?.code).toBe('ORIGIN_NOT_APPROVED');
    } finally {
      await handle.close();
    }
  });

  it("with --pin-entry helper, takes the PIN in its window and none from the page", async () => {
    if (!f) return;
    const a = { ...io(), pinPrompter: async () => f.userPin };
    const handle = await runBridgeCli(['--module', f.module, '--port', '0', '--allow-origin', 'https://bid.example.gov.cn', '--pin-entry', 'helper'], a);
    if (typeof handle === 'number') throw new Error(a.err.join(''));
    try {
      expect(a.err.join('')).toContain('登录时请在本窗口输入UKey密码');
      const c = asClient(await connect(handle.bridge.port, { origin: 'https://bid.example.gov.cn' }));
      expect((await c.call('hello')).result).toMatchObject({ approved: true, pinEntry: 'helper' });
      const list = (await c.call('listCertificates')).result as { id: string; label: string }[];
      const cert = list.find((x) => x.label === '李四 签名');
      if (!cert) throw new Error('no certificate');
      expect((await c.call('login', { certId: cert.id, pin: f.userPin })).error?.code).toBe('CLIENT_PROTOCOL_ERROR');
      expect((await c.call('login', { certId: cert.id })).result).toBeNull();
    } finally {
      await handle.close();
    }
  });
});
