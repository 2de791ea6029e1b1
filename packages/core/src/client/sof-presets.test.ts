/**
 * The SOF presets against emulators of their wire shapes (`createSofWireEmulator`), each with the
 * same fault cases: list and sign, right PIN, wrong PIN with tries left, locked, unknown certificate,
 * the user's cancel, a client that is not running, the key pulled out mid-call, malformed replies.
 * Where a shape's codes cannot say a case (a cancel in a client that only has the SOR table), the
 * driver's answer is the typed `CLIENT_REPORTED_ERROR` with the vendor's code and text, until the platform
 * declares the codes.
 */
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../crypto/index';
import {
  SOR,
  createSofBackend,
  createSofWireEmulator,
  createSoftwareToken,
  tokenDriverChecks,
  type SofWireEmulator,
  type SofWireShape,
  type SoftwareToken,
  type TokenDriverHarness,
} from '../software-token/index';
import { createTestCa, issueCertificatePair, privateKeyToPem } from '../testing/index';
import { createSofJsonDriver, type SofErrorCodes, type SofFunction, type SofProtocol, type TokenDriver } from './index';
import { SOF_GDCA_ERRORS, gdcaProtocol, namedFieldsProtocol, xtxProtocol } from './sof-presets';

const ca = createTestCa({ subject: 'CN=SOF Preset CA', keyAlgorithm: 'sm2' });
const pair = issueCertificatePair({ subject: 'CN=李四, O=示例科技有限公司', issuer: ca });
const certificates = [{ certificate: pair.signing.pem, privateKey: privateKeyToPem(pair.signing.key), encryptionCertificate: pair.encryption.pem }];
const PIN = '123456';
const TEXT = 'yizheng:1|login|https://bid.example.gov.cn|bm9uY2U|2026-06-01T08:05:00.000Z';

interface Preset {
  readonly name: string;
  readonly shape: SofWireShape;
  /** The codes the emulated client fails with. */
  readonly codes: 'standard' | 'gdca';
  readonly protocol: () => SofProtocol;
  readonly errorCodes?: SofErrorCodes;
  readonly url: string;
  /** What a cancel and a pulled-out key come out as. */
  readonly cancel: Record<string, unknown>;
  readonly removed: Record<string, unknown>;
  /** Malformed replies this shape can get (a missing XTX value is a failure, not a malformed reply). */
  readonly malformed: readonly ('not-json' | 'missing-fields')[];
}

const vendor = (vendorCode: unknown, vendorText?: string) => ({ code: 'CLIENT_REPORTED_ERROR', details: { vendorCode, ...(vendorText && { vendorText }) } });

const PRESETS: readonly Preset[] = [
  {
    name: "GDCA's {ErrorCode, Result} (extension codes, as hex strings)",
    shape: 'gdca',
    codes: 'gdca',
    protocol: () => gdcaProtocol(),
    url: 'http://127.0.0.1:9/gdca',
    cancel: { code: 'USER_CANCELLED', details: { vendorCode: '0x0B000447', vendorText: '用户取消操作' } },
    removed: { code: 'DEVICE_REMOVED', details: { vendorCode: '0x0B000448' } },
    malformed: ['not-json', 'missing-fields'],
  },
  {
    name: 'named fields after a device-instance handshake, SOR codes only (as strings)',
    shape: 'named',
    codes: 'standard',
    protocol: () => namedFieldsProtocol(),
    url: 'http://127.0.0.1:9/named',
    cancel: vendor(String(SOR.UNKNOWN), '用户取消操作'),
    removed: vendor(String(SOR.UNKNOWN), '设备已拔出'),
    malformed: ['not-json', 'missing-fields'],
  },
  {
    name: "named fields, the client's extra codes declared by the platform",
    shape: 'named',
    codes: 'gdca',
    protocol: () => namedFieldsProtocol(),
    errorCodes: SOF_GDCA_ERRORS,
    url: 'http://127.0.0.1:9/named',
    cancel: { code: 'USER_CANCELLED', details: { vendorCode: '184550471' } },
    removed: { code: 'DEVICE_REMOVED' },
    malformed: ['not-json', 'missing-fields'],
  },
  {
    name: "BJCA's XTX (failures as values, codes from SOF_GetLastError as strings)",
    shape: 'xtx',
    codes: 'standard',
    protocol: () => xtxProtocol({ pageUrl: 'https://bid.example.gov.cn/login' }),
    url: 'ws://127.0.0.1:9/xtxapp/',
    cancel: vendor(String(SOR.UNKNOWN)),
    removed: vendor(String(SOR.UNKNOWN)),
    malformed: ['not-json'],
  },
];

interface Rig {
  readonly driver: TokenDriver;
  readonly token: SoftwareToken;
  readonly emulator: SofWireEmulator;
  /** Runs before each signature's confirmation (false: the user cancels). */
  hook?: () => boolean;
}

async function start(preset: Preset, url = preset.url): Promise<Rig> {
  const rig: { hook?: () => boolean } = {};
  const token = await createSoftwareToken({ certificates, maxTries: 3, pinLength: { min: 6, max: 16 }, signatureFormat: 'der', confirm: () => rig.hook?.() ?? true });
  const emulator = createSofWireEmulator(createSofBackend(token, { errorCodes: preset.codes }), preset.shape);
  const driver = createSofJsonDriver({
    url,
    id: 'preset',
    client: '测试客户端',
    protocol: preset.protocol(),
    errorCodes: preset.errorCodes,
    fetch: emulator.fetch,
    WebSocket: emulator.WebSocket,
    timeoutMs: 300,
    interactiveTimeoutMs: 300,
  });
  return Object.assign(rig, { driver, token, emulator });
}

describe.each(PRESETS)('preset: $name', (preset) => {
  it('lists, logs in with the right PIN and signs; the signature verifies', async () => {
    const { driver, token } = await start(preset);
    const [cert] = await driver.listCertificates();
    const [held] = await token.listCertificates();
    expect(cert).toMatchObject({ id: 'cert-1', label: '李四', certificate: held?.certificate, encryptionCertificate: held?.encryptionCertificate });
    await driver.login('cert-1', PIN);
    const signature = await driver.sign('cert-1', TEXT);
    expect(verifySignature({ certificate: held?.certificate ?? '', data: TEXT, signature: signature.signature, format: signature.format })).toBe(true);
  });

  it('a wrong PIN is PIN_INCORRECT with the tries left, then the lock is PIN_LOCKED', async () => {
    const { driver } = await start(preset);
    await driver.listCertificates();
    await expect(driver.login('cert-1', '000000')).rejects.toMatchObject({ code: 'PIN_INCORRECT', details: { remaining: 2, source: 'exact' } });
    await expect(driver.login('cert-1', '000000')).rejects.toMatchObject({ code: 'PIN_INCORRECT', details: { remaining: 1, finalTry: true } });
    await expect(driver.login('cert-1', '000000')).rejects.toMatchObject({ code: 'PIN_LOCKED' });
    await expect(driver.login('cert-1', PIN)).rejects.toMatchObject({ code: 'PIN_LOCKED' });
  });

  it('an unknown certificate is CERT_NOT_FOUND; with no key inserted, TOKEN_NOT_PRESENT', async () => {
    const { driver, token } = await start(preset);
    await expect(driver.login('no-such-cert', PIN)).rejects.toMatchObject({ code: 'CERT_NOT_FOUND' });
    token.remove();
    expect(await driver.listCertificates()).toEqual([]);
    await expect(driver.login('cert-1', PIN)).rejects.toMatchObject({ code: 'TOKEN_NOT_PRESENT' });
  });

  it("the user cancelling the client's dialog", async () => {
    const rig = await start(preset);
    await rig.driver.login('cert-1', PIN);
    rig.hook = () => false;
    await expect(rig.driver.sign('cert-1', TEXT)).rejects.toMatchObject(preset.cancel);
  });

  it('the key pulled out while signing', async () => {
    const rig = await start(preset);
    await rig.driver.login('cert-1', PIN);
    rig.hook = () => (rig.token.remove(), true);
    await expect(rig.driver.sign('cert-1', TEXT)).rejects.toMatchObject(preset.removed);
  });

  it('a client that is not running is CLIENT_NOT_RUNNING', async () => {
    const driver = createSofJsonDriver({ url: preset.url.replace(/:9\//, ':1/'), id: 'p', client: '测试客户端', protocol: preset.protocol(), timeoutMs: 2000 });
    await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { client: '测试客户端' } });
    await driver.close?.();
  });

  it('a malformed reply is CLIENT_PROTOCOL_ERROR, and the driver recovers', async () => {
    const { driver, emulator } = await start(preset);
    await driver.listCertificates();
    for (const fault of preset.malformed) {
      emulator.tamperNext(fault);
      await expect(driver.login('cert-1', PIN)).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
    }
    await driver.login('cert-1', PIN);
    await driver.close?.();
  });
});

describe("the shapes' awkward parts", () => {
  it('named: one handshake for concurrent calls, the instance on every call, a new session after the client restarts', async () => {
    const rig = await start(PRESETS[1] as Preset);
    await Promise.all([rig.driver.listCertificates(), rig.driver.getPinStatus?.('cert-1')]);
    const { requests } = rig.emulator;
    expect(requests.filter((r) => r['function'] === 'SOF_GetDeviceInstance')).toHaveLength(1);
    await rig.driver.login('cert-1', PIN);
    expect(requests.at(-1)).toEqual({ function: 'SOF_Login', DeviceInstance: 'dev-1', ContainerName: 'cert-1', PassWd: PIN });
    rig.emulator.restart();
    await rig.driver.sign('cert-1', TEXT);
    expect(requests.slice(-3).map((r) => [r['function'], r['DeviceInstance']])).toEqual([
      ['SOF_SignData', 'dev-1'],
      ['SOF_GetDeviceInstance', undefined],
      ['SOF_SignData', 'dev-2'],
    ]);
    expect(requests.at(-1)).toMatchObject({ ContainerName: 'cert-1', InData: TEXT });
  });

  it('named: a failed handshake is a typed error and is tried again on the next call', async () => {
    const rig = await start(PRESETS[1] as Preset);
    rig.emulator.tamperNext(() => JSON.stringify({ status: SOR.UNKNOWN, message: '服务未就绪' }));
    await expect(rig.driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_REPORTED_ERROR', details: { fn: 'SOF_GetDeviceInstance', vendorText: '服务未就绪' } });
    expect(await rig.driver.listCertificates()).toHaveLength(1);
  });

  it('gdca: codes as numbers or strings, counts as strings, Result unwrapped or picked by resultField', async () => {
    const token = await createSoftwareToken({ certificates, signatureFormat: 'der' });
    const emulator = createSofWireEmulator(createSofBackend(token, { errorCodes: 'gdca' }), 'gdca');
    const driver = createSofJsonDriver({ url: 'http://127.0.0.1:9/', id: 'g', client: 'c', protocol: gdcaProtocol(), fetch: emulator.fetch });
    expect(await driver.getPinStatus?.('cert-1')).toMatchObject({ remaining: 6 });
    emulator.tamperNext(() => JSON.stringify({ ErrorCode: 0x0b000447, ErrorMsg: '用户取消', Result: {} }));
    await expect(driver.sign('cert-1', 'x')).rejects.toMatchObject({ code: 'USER_CANCELLED', details: { vendorCode: 0x0b000447, vendorText: '用户取消' } });
    emulator.tamperNext(() => JSON.stringify({ ErrorCode: '184550472', Result: {} }));
    await expect(driver.sign('cert-1', 'x')).rejects.toMatchObject({ code: 'DEVICE_REMOVED' });
    emulator.tamperNext(() => JSON.stringify({ ErrorCode: '0x0B000999', ErrorMsg: '其他错误', Result: {} }));
    await expect(driver.sign('cert-1', 'x')).rejects.toMatchObject(vendor('0x0B000999', '其他错误'));
    const picked = createSofJsonDriver({
      url: 'http://127.0.0.1:9/',
      id: 'g',
      client: 'c',
      protocol: gdcaProtocol({ resultField: 'count' }),
      fetch: async () => new Response(JSON.stringify({ ErrorCode: '0', Result: { count: '4', other: 'x' } })),
    });
    expect(await picked.getPinStatus?.('cert-1')).toMatchObject({ remaining: 4 });
  });

  it('xtx: call_cmd_id, URL and BJCA spelling on the wire; the login token sent on, dropped after logout; key changes as events', async () => {
    const rig = await start(PRESETS[3] as Preset);
    await rig.driver.listCertificates();
    await rig.driver.login('cert-1', PIN);
    await rig.driver.sign('cert-1', TEXT);
    await rig.driver.logout?.('cert-1');
    await rig.driver.listCertificates();
    const { requests } = rig.emulator;
    expect(requests[0]).toEqual({ call_cmd_id: '1', xtx_func_name: 'SOF_GetUserList', param: [], URL: 'https://bid.example.gov.cn/login' });
    expect(requests.map((r) => r['xtx_func_name'])).toContain('SOF_ExportExChangeUserCert');
    expect(requests.find((r) => r['xtx_func_name'] === 'SOF_SignData')).toMatchObject({ param: ['cert-1', TEXT], token: 'xtx-session-1' });
    expect(requests.at(-1)).not.toHaveProperty('token');
    const events: string[] = [];
    const off = rig.driver.onEvent?.((e) => events.push(e.type));
    await new Promise((r) => setTimeout(r, 30));
    rig.token.remove();
    await new Promise((r) => setTimeout(r, 30));
    rig.token.insert();
    await new Promise((r) => setTimeout(r, 50));
    off?.();
    expect(events).toEqual(['removed', 'inserted']);
  });

  it('xtx: takes the token only from a successful SOF_Login, never from another reply', async () => {
    const xtx = xtxProtocol({ pageUrl: 'p' });
    const send = async () => ({ retValue: '0' });
    const c = (fn: SofFunction) => ({ fn, name: fn, args: [] });
    const sent = async () => (await xtx.request(c('SOF_SignData'), send))['token'];
    await xtx.reply({ retValue: '张三||c1', token: 'rogue' }, c('SOF_GetUserList'), send);
    expect(await sent()).toBeUndefined();
    await xtx.reply({ retValue: 'false', token: 'rogue' }, c('SOF_Login'), send);
    expect(await sent()).toBeUndefined();
    await xtx.reply({ retValue: 'true', token: 't1' }, c('SOF_Login'), send);
    expect(await sent()).toBe('t1');
  });

  it("xtx: BJCA's numbers map once the platform declares them", async () => {
    const token = await createSoftwareToken({ certificates, signatureFormat: 'der' });
    const backend = createSofBackend(token);
    const emulator = createSofWireEmulator(backend, 'xtx');
    const driver = createSofJsonDriver({ url: 'ws://127.0.0.1:9/', id: 'x', client: 'c', protocol: xtxProtocol({ pageUrl: 'p' }), errorCodes: { 3: 'USER_CANCELLED' }, WebSocket: emulator.WebSocket });
    backend.failNext('SOF_SignData', 3);
    await expect(driver.sign('cert-1', 'x')).rejects.toMatchObject({ code: 'USER_CANCELLED', details: { vendorCode: '3' } });
    backend.failNext('SOF_SignData', 99);
    await expect(driver.sign('cert-1', 'x')).rejects.toMatchObject(vendor('99'));
    await driver.close?.();
  });
});

// The shared driver checks, for the presets whose codes say every case.
describe.each([PRESETS[0], PRESETS[2]] as Preset[])('token driver checks: $name', (preset) => {
  const harness: TokenDriverHarness = {
    certificates,
    async start(token) {
      const emulator = createSofWireEmulator(createSofBackend(token, { errorCodes: preset.codes }), preset.shape);
      const driver = createSofJsonDriver({
        url: preset.url,
        id: 'preset',
        client: '测试客户端',
        protocol: preset.protocol(),
        errorCodes: preset.errorCodes,
        fetch: emulator.fetch,
        pinLength: { min: 6, max: 16 },
        timeoutMs: 300,
        interactiveTimeoutMs: 300,
      });
      return { driver, tamper: (fault) => fault !== 'wrong-id' && (emulator.tamperNext(fault), true), stop: async () => undefined };
    },
    notRunning: () => createSofJsonDriver({ url: 'http://127.0.0.1:1/sof', id: 'p', client: '测试客户端', protocol: preset.protocol() }),
    verify: ({ certificate, text, signature }) => verifySignature({ certificate, data: text, signature: signature.signature, format: signature.format }),
  };
  for (const check of tokenDriverChecks(harness)) it(check.name, check.run);
});
