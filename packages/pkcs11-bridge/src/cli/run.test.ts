/**
 * The yizheng-bridge command (in-process): arguments, config file, the terminal approval prompt, and a
 * real start on SoftHSM.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTerminalApprover } from '../server/approval';
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
});
