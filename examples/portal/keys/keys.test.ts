/**
 * The key start commands (bjca.mjs, cfca.mjs, pkcs11.mjs) as a user runs them: each starts as a child
 * process with its own PORTAL_DATA, publishes its descriptor, and signs through the driver the page
 * would use (page-drivers.js loading the packages' built browser entries); SIGTERM removes the
 * descriptor. Needs `pnpm build` (the commands and the page modules run from dist). The PKCS#11 part
 * needs SoftHSM2 (bash scripts/parts.sh): skipped with a note when it is missing, a failure under CI=true.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { verifySignature } from '@yizheng/core/crypto';
// @ts-expect-error plain ESM JavaScript without declarations
import { readKeyDescriptors } from './descriptors.mjs';
// @ts-expect-error plain ESM JavaScript without declarations
import { createDrivers } from './page-drivers.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(HERE, '../../..');
const USCC = '91350200556207664B';
const PORTAL = 'http://127.0.0.1:8080';

const DIST: Record<string, string> = {
  '@yizheng/core/software-token': 'packages/core/dist/software-token.js',
  '@yizheng/core/client': 'packages/core/dist/client.js',
  '@yizheng/pkcs11-bridge/browser': 'packages/pkcs11-bridge/dist/browser.js',
  '@yizheng/provider-bjca/browser': 'packages/provider-bjca/dist/browser.js',
  '@yizheng/provider-cfca/browser': 'packages/provider-cfca/dist/browser.js',
};
const missingDist = Object.values(DIST).filter((f) => !existsSync(join(ROOT, f)));
if (missingDist.length > 0) throw new Error(`not built (${missingDist.join(', ')}): run bash scripts/x.sh pnpm build first`);

/** SoftHSM2 as pkcs11.mjs needs it, or why not (a failure under CI=true). */
function softHsm(): string | null {
  const module = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so'].find((p) => existsSync(p));
  const tools = ['softhsm2-util', 'pkcs11-tool'].filter((t) => spawnSync(t, ['--help'], { stdio: 'ignore' }).error !== undefined);
  const why = !module ? 'libsofthsm2.so not found' : tools.length > 0 ? `${tools.join(', ')} missing` : null;
  if (why === null) return null;
  const message = `SoftHSM2 not installed (${why}): run bash scripts/parts.sh`;
  if (process.env['CI'] === 'true') throw new Error(`CI=true: ${message}`);
  process.stderr.write(`[skip] ${message}\n`);
  return message;
}
const softHsmSkip = softHsm();

/** The page's `load`: the bare specifiers to the built files, the CFCA emulator's URL path to the file the portal would serve. */
function loader(scripts: { path: string; file: string }[]) {
  return (specifier: string): Promise<unknown> => {
    const script = scripts.find((s) => s.path === specifier);
    const file = script ? script.file : DIST[specifier] ? join(ROOT, DIST[specifier]) : undefined;
    if (!file) throw new Error(`no module for ${specifier}`);
    return import(pathToFileURL(file).href);
  };
}

/** A browser-like WebSocket for the bridge driver: Node's sends no Origin, a page always does. */
function socketFrom(origin: string) {
  return (url: string) => {
    const ws = new WebSocket(url, { origin, perMessageDeflate: false });
    const socket = {
      get readyState() {
        return ws.readyState;
      },
      send: (data: string) => ws.send(data),
      close: (code?: number, reason?: string) => ws.close(code, reason),
      onopen: null as ((e: unknown) => void) | null,
      onmessage: null as ((e: { data: unknown }) => void) | null,
      onclose: null as ((e: unknown) => void) | null,
      onerror: null as ((e: unknown) => void) | null,
    };
    ws.on('open', () => socket.onopen?.({}));
    ws.on('message', (data: Buffer) => socket.onmessage?.({ data: data.toString() }));
    ws.on('close', () => socket.onclose?.({}));
    ws.on('error', () => socket.onerror?.({}));
    return socket;
  };
}

/** The first element, which must be there. */
function first<T>(list: readonly T[]): T {
  const [one] = list;
  if (one === undefined) throw new Error('empty list');
  return one;
}

interface Started {
  readonly child: ChildProcess;
  readonly data: string;
  readonly file: string;
  output(): string;
}

const children = new Set<ChildProcess>();
const temps: string[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function freshData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'yizheng-keys-'));
  temps.push(dir);
  return dir;
}

/** Starts `node [--import tsx] examples/portal/keys/<name>.mjs` and waits for its descriptor. */
async function start(name: string, data: string, env: Record<string, string> = {}, tsx = false): Promise<Started> {
  const args = [...(tsx ? ['--import', 'tsx'] : []), join(HERE, `${name}.mjs`)];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, PORTAL_DATA: data, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const file = join(data, 'keys', `${name}.json`);
  for (let waited = 0; !existsSync(file); waited += 100) {
    if (child.exitCode !== null) throw new Error(`${name}.mjs exited with ${child.exitCode}:\n${out}`);
    if (waited > 45_000) throw new Error(`${name}.mjs published no descriptor:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, data, file, output: () => out };
}

/** SIGTERM, then the descriptor must be gone. */
async function stop(s: Started): Promise<void> {
  const exited = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
  s.child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(existsSync(s.file)).toBe(false);
  expect(readKeyDescriptors(s.data).descriptors).toEqual([]);
}

const challenge = (origin = PORTAL): string => `yizheng:1|login|${origin}|${randomBytes(32).toString('base64url')}|${new Date(Date.now() + 300_000).toISOString()}`;

/** The listed certificate is the demo company's, for `holder` (the CN), issued by the descriptor's CA. */
function expectDemoCertificate(certificate: string, caPem: string, holder: string): void {
  const leaf = new X509Certificate(Buffer.from(certificate, 'base64'));
  expect(leaf.subject).toContain(`CN=${holder}`);
  // The company is in the CN of a CFCA organisation certificate, in O otherwise.
  expect(leaf.subject).toContain('厦门帝网信息科技有限公司');
  expect(leaf.issuer).toBe(new X509Certificate(caPem).subject);
  expect(leaf.raw.includes(Buffer.from(USCC))).toBe(true);
}

interface PageEntry {
  id: string;
  kind: string;
  label: { 'zh-CN': string; en: string };
  driver: {
    pinEntry?: string;
    listCertificates(): Promise<{ id: string; certificate: string; label: string }[]>;
    login(id: string, pin: string): Promise<void>;
    sign(id: string, text: string): Promise<{ signature: string; format: 'auto' | 'der' | 'raw' | 'skf' | 'cms' }>;
    close?(): Promise<void>;
  };
}

describe('readKeyDescriptors', () => {
  it('leaves out files of ended processes and malformed files, and reads nothing from a missing directory', () => {
    const data = freshData();
    expect(readKeyDescriptors(data)).toMatchObject({ descriptors: [], caPems: [], scripts: [] });
    mkdirSync(join(data, 'keys'));
    const ended = spawnSync(process.execPath, ['-e', '0']).pid;
    const caPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const base = { label: { 'zh-CN': '甲', en: 'A' }, caPem, url: 'ws://127.0.0.1:1/xtxapp/', driver: { url: 'ws://127.0.0.1:1/xtxapp/' } };
    writeFileSync(join(data, 'keys', 'bjca.json'), JSON.stringify({ kind: 'bjca', ...base, pid: ended }));
    writeFileSync(join(data, 'keys', 'pkcs11.json'), JSON.stringify({ kind: 'pkcs11', ...base, url: 'ws://evil.example/yizheng', pid: process.pid }));
    writeFileSync(join(data, 'keys', 'cfca.json'), '{');
    const read = readKeyDescriptors(data);
    expect(read.descriptors).toEqual([]);
    expect(read.skipped.map((s: { reason: string }) => s.reason)).toEqual([`process ${ended} has ended`, expect.stringContaining('unreadable'), expect.stringContaining('url must be')]);
  });
});

describe('bjca.mjs: the emulated BJCA client', () => {
  it('publishes its descriptor; the page driver lists 赵六 (SM2), logs in with 123456 and signs; SIGTERM removes it; a restart reuses the key', async () => {
    const data = freshData();
    let s = await start('bjca', data, {}, true);
    expect(s.output()).toContain('PIN: 123456');
    const read = readKeyDescriptors(data);
    expect(read.descriptors).toHaveLength(1);
    const [d] = read.descriptors;
    expect(d).toMatchObject({ kind: 'bjca', url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/xtxapp\/$/) as unknown, label: { 'zh-CN': expect.stringContaining('赵六') as unknown } });
    expect(d).not.toHaveProperty('pid');
    expect(read.caPems).toEqual([d.caPem]);
    expect(read.connectSrc).toEqual([new URL(d.url).origin]);

    const entry = first((await createDrivers(read.descriptors, [], { load: loader(read.scripts), overrides: { bjca: { pageUrl: `${PORTAL}/login` } } })) as PageEntry[]);
    expect(entry).toMatchObject({ id: 'bjca', kind: 'bjca' });
    const cert = first(await entry.driver.listCertificates());
    expectDemoCertificate(cert.certificate, d.caPem, '赵六');
    // An SM2 key: the curve's OID 1.2.156.10197.1.301 in the certificate.
    expect(new X509Certificate(Buffer.from(cert.certificate, 'base64')).raw.includes(Buffer.from('06082a811ccf5501822d', 'hex'))).toBe(true);
    await expect(entry.driver.login(cert.id, '654321')).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
    await entry.driver.login(cert.id, '123456');
    const text = challenge();
    const signature = await entry.driver.sign(cert.id, text);
    expect(verifySignature({ certificate: Buffer.from(cert.certificate, 'base64'), data: text, signature: signature.signature, format: signature.format })).toBe(true);
    await entry.driver.close?.();
    await stop(s);

    s = await start('bjca', data, {}, true);
    expect(s.output()).toContain('reused');
    const again = readKeyDescriptors(data).descriptors[0];
    expect(again.caPem).toBe(d.caPem);
    await stop(s);
  }, 90_000);
});

describe('cfca.mjs: the emulated CFCA CryptoKit', () => {
  it('publishes the emulator script and key; installed "in the page", the CFCA driver signs CMS for 钱七; SIGTERM removes it', async () => {
    const data = freshData();
    const s = await start('cfca', data);
    expect(s.output()).toContain('PIN: 123456');
    const read = readKeyDescriptors(data);
    const [d] = read.descriptors;
    expect(d).toMatchObject({ kind: 'cfca', emulator: { script: '/keys/cfca-emulator.js' }, driver: { productId: expect.any(String) as unknown } });
    expect(d.emulator).not.toHaveProperty('file');
    expect(read.scripts).toEqual([{ path: '/keys/cfca-emulator.js', file: join(data, 'keys', 'state', 'cfca-emulator.js') }]);
    expect(readFileSync(read.scripts[0].file, 'utf8')).not.toMatch(/^import /m); // self-contained: no import map entry needed
    expect(read.connectSrc).toEqual([]);

    const pins = ['000000', '123456'];
    const entry = first((await createDrivers(read.descriptors, [], { load: loader(read.scripts), typePin: () => pins.shift() ?? null })) as PageEntry[]);
    expect(entry.driver.pinEntry).toBe('client');
    const cert = first(await entry.driver.listCertificates());
    expectDemoCertificate(cert.certificate, d.caPem, 'CFCA@厦门帝网信息科技有限公司');
    const text = challenge();
    await expect(entry.driver.sign(cert.id, text)).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
    await entry.driver.login(cert.id, '');
    const signature = await entry.driver.sign(cert.id, text);
    expect(signature.format).toBe('cms');
    expect(verifySignature({ certificate: Buffer.from(cert.certificate, 'base64'), data: text, signature: signature.signature, format: 'cms' })).toBe(true);
    await entry.driver.close?.();
    await stop(s);
  }, 90_000);
});

describe('createDrivers: the demo software keys', () => {
  it('makes one software token per demo key, before the descriptors', async () => {
    const data = freshData();
    const s = await start('bjca', data, {}, true);
    const key = JSON.parse(readFileSync(join(data, 'keys', 'state', 'bjca-key.json'), 'utf8')) as { certificate: string; privateKey: string };
    const read = readKeyDescriptors(data);
    const list = (await createDrivers(read.descriptors, [{ label: '张三的UKey（帝网）', certificate: key.certificate, privateKey: key.privateKey, pin: '123456' }], loader(read.scripts))) as PageEntry[];
    expect(list.map((e) => [e.id, e.kind, e.label.en])).toEqual([
      ['software-1', 'software', '张三的UKey（帝网）'],
      ['bjca', 'bjca', "Zhao Liu's BJCA key (emulated BJCA client)"],
    ]);
    const cert = first(await first(list).driver.listCertificates());
    await first(list).driver.login(cert.id, '123456');
    const signature = await first(list).driver.sign(cert.id, 'hello');
    expect(verifySignature({ certificate: Buffer.from(cert.certificate, 'base64'), data: 'hello', signature: signature.signature, format: signature.format })).toBe(true);
    await stop(s);
  }, 90_000);
});

describe.skipIf(softHsmSkip !== null)(softHsmSkip ?? 'pkcs11.mjs: yizheng-bridge on a SoftHSM2 token', () => {
  it('publishes its descriptor; the bridge driver lists 孙八 (P-256), refuses a wrong PIN, signs a challenge; SIGTERM removes it', async () => {
    const data = freshData();
    const s = await start('pkcs11', data, { YZ_BRIDGE_PORT: '0', PORTAL_ORIGIN: PORTAL });
    expect(s.output()).toContain('PIN: 123456');
    const read = readKeyDescriptors(data);
    const [d] = read.descriptors;
    expect(d).toMatchObject({ kind: 'pkcs11', url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/yizheng$/) as unknown, allowedOrigins: [PORTAL] });
    expect(read.connectSrc).toEqual([new URL(d.url).origin]);

    const entry = first((await createDrivers(read.descriptors, [], { load: loader(read.scripts), overrides: { pkcs11: { createSocket: socketFrom(PORTAL) } } })) as PageEntry[]);
    const why = (e: { code?: string; details?: unknown }): never => {
      throw new Error(`${e.code} ${JSON.stringify(e.details)}\n${s.output()}`);
    };
    const cert = first(await entry.driver.listCertificates().catch(why));
    expectDemoCertificate(cert.certificate, d.caPem, '孙八');
    await expect(entry.driver.login(cert.id, '654321')).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
    // The bridge makes a page wait after a wrong PIN (BRIDGE_RATE_LIMITED, retryAfterSeconds 3).
    await new Promise((r) => setTimeout(r, 3500));
    await entry.driver.login(cert.id, '123456').catch(why);
    const text = challenge();
    const signature = await entry.driver.sign(cert.id, text).catch(why);
    expect(verifySignature({ certificate: Buffer.from(cert.certificate, 'base64'), data: text, signature: signature.signature, format: signature.format })).toBe(true);
    await entry.driver.close?.();

    // Another site is refused (not in PORTAL_ORIGIN, and no terminal to ask in).
    const other = first((await createDrivers(read.descriptors, [], { load: loader(read.scripts), overrides: { pkcs11: { createSocket: socketFrom('https://evil.example'), approvalTimeoutMs: 2000 } } })) as PageEntry[]);
    await expect(other.driver.listCertificates()).rejects.toMatchObject({ code: 'ORIGIN_NOT_APPROVED' });
    await other.driver.close?.();
    await stop(s);
  }, 90_000);
});
