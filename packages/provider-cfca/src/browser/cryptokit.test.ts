import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifySignature } from '@yizheng/core/crypto';
import { createSoftwareToken, tokenDriverChecks, type SoftwareToken, type TokenDriverHarness } from '@yizheng/core/software-token';
import { createTestCa, issueCertificate, privateKeyToPem, type TestKeyAlgorithm } from '@yizheng/core/testing';
import { emulateCryptoKit, HOST_TEXTS, type CryptoKitEmulator, type CryptoKitEmulatorOptions, type HostFailure, type PinDialog } from './emulator';
import { CRYPTOKIT_BUILDS, createCfcaDriver, type CfcaDriverOptions, type CryptoKitBuild } from './index';

const TEXT = 'yizheng:1|login|https://bid.example.gov.cn|bm9uY2U|2026-06-01T08:05:00.000Z';
const PIN = '123456';
type Via = 'runtime' | 'events';

function certificate(algorithm: TestKeyAlgorithm = 'sm2') {
  const ca = createTestCa({ subject: `CN=CFCA ${algorithm} Test CA, O=CFCA, C=CN`, keyAlgorithm: algorithm });
  const cert = issueCertificate({ subject: 'CN=CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1, OU=Organizational-1', issuer: ca });
  return { cert, entry: { certificate: cert.pem, privateKey: privateKeyToPem(cert.key), id: cert.certificate.serialNumber } };
}

/** The driver options that reach `kit` by `via`. */
function reach(kit: CryptoKitEmulator, via: Via, more: Partial<CfcaDriverOptions> = {}): CfcaDriverOptions {
  return {
    productId: kit.productId,
    extensionId: kit.extensionId,
    transport: via,
    ...(via === 'runtime' ? { runtime: kit.runtime } : { document: kit.document }),
    timeoutMs: 1500,
    interactiveTimeoutMs: 5000,
    ...more,
  };
}

async function setup(o: { algorithm?: TestKeyAlgorithm; via?: Via; typePin?: PinDialog; kit?: CryptoKitEmulatorOptions; driver?: Partial<CfcaDriverOptions> } = {}) {
  const algorithm = o.algorithm ?? 'sm2';
  const { cert, entry } = certificate(algorithm);
  const token = await createSoftwareToken({ certificates: [entry], pin: PIN, maxTries: 3, signatureFormat: 'cms' });
  const kit = emulateCryptoKit(token, { certType: algorithm === 'sm2' ? 'SM2' : 'RSA', ...(o.typePin && { typePin: o.typePin }), ...o.kit });
  const driver = createCfcaDriver(reach(kit, o.via ?? 'runtime', o.driver));
  return { cert, token, kit, driver, certId: entry.id };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe.each(['runtime', 'events'] as const)('tokenDriverChecks over chrome.runtime and DOM events (%s)', (via) => {
  // The checks for page-typed PINs (tries left, locking, PIN length) do not apply: the PIN is typed
  // in the CSP's dialog and no retry count is exposed. The CryptoKit-specific PIN cases are below.
  const { entry } = certificate('sm2');
  const harness: TokenDriverHarness = {
    certificates: [entry],
    signatureFormat: 'cms',
    provider: 'cfca',
    async start(token: SoftwareToken) {
      const kit = emulateCryptoKit(token, { typePin: () => PIN });
      const driver = createCfcaDriver(reach(kit, via, { timeoutMs: 800, interactiveTimeoutMs: 1500 }));
      return { driver, tamper: (fault) => kit.tamper(fault, via), stop: async () => kit.stop() };
    },
    notRunning() {
      const kit = emulateCryptoKit(null as unknown as SoftwareToken);
      kit.extension = false;
      return createCfcaDriver(reach(kit, via));
    },
    verify: ({ certificate: c, text, signature }) => verifySignature({ certificate: c, data: text, signature: signature.signature, format: signature.format }),
  };
  const pageTyped = /tries left|last wrong PIN locks|wrong length/;
  for (const check of tokenDriverChecks(harness).filter((c) => !pageTyped.test(c.name))) it(check.name, check.run, 20_000);
});

describe.each(['runtime', 'events'] as const)('CFCA CryptoKit driver (%s)', (via) => {
  it.each(['sm2', 'rsa', 'ec'] as const)('lists the selected %s certificate and signs detached CMS that verifies (the right PIN)', async (algorithm) => {
    const { cert, kit, driver, certId } = await setup({ algorithm, via });
    expect(driver.pinEntry).toBe('client');
    const [listed] = await driver.listCertificates();
    expect(listed).toEqual({ id: certId, label: 'CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1', certificate: Buffer.from(cert.der).toString('base64'), provider: 'cfca' });
    await driver.login(certId, ''); // selects it; the CSP asks for the PIN when signing
    const signature = await driver.sign(certId, TEXT);
    expect(signature.format).toBe('cms');
    expect(kit.signCalls).toEqual([{ hash: algorithm === 'sm2' ? 'SM3' : 'SHA-256', attached: false }]);
    expect(verifySignature({ certificate: listed?.certificate, data: TEXT, signature: signature.signature, format: 'cms' })).toBe(true);
    expect(kit.requests.slice(0, 3)).toEqual(['connect', 'checkHost', 'SelectCertificate']);
    expect(kit.requests).toContain('getSignCertInfo');
    expect(kit.lastVia).toBe(via);
  });

  it("a wrong PIN in the CSP's dialog is PIN_INCORRECT with the tries unknown, read from GetLastErrorDesc; the third is PIN_LOCKED", async () => {
    const { kit, driver, certId } = await setup({ via, typePin: () => '000000' });
    await driver.listCertificates();
    const error = await driver.sign(certId, TEXT).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'PIN_INCORRECT',
      message: '校验失败，UKey密码错误。剩余尝试次数未知。',
      details: { remaining: null, source: 'unknown', retriesZh: '剩余尝试次数未知。', vendorText: HOST_TEXTS.PIN_INCORRECT.zh, fn: 'SignMsgPKCS7', errorcode: -1 },
    });
    expect(kit.requests.at(-1)).toBe('GetLastErrorDesc');
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'PIN_LOCKED', details: { locked: true, vendorText: HOST_TEXTS.PIN_LOCKED.zh } });
  });

  it('an unknown certificate is CERT_NOT_FOUND', async () => {
    const { driver } = await setup({ via });
    await expect(driver.login('0123', '')).rejects.toMatchObject({ code: 'CERT_NOT_FOUND', details: { vendorText: HOST_TEXTS.CERT_NOT_FOUND.zh } });
  });

  it("cancelling the CSP's PIN dialog is USER_CANCELLED, as is the page's abort", async () => {
    const { driver, certId } = await setup({ via, typePin: () => null });
    await driver.listCertificates();
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'USER_CANCELLED', details: { vendorText: HOST_TEXTS.USER_CANCELLED.zh } });
    await expect(driver.sign(certId, TEXT, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'USER_CANCELLED' });
  });

  it('the key pulled out while the PIN dialog is open is DEVICE_REMOVED; then an empty list and TOKEN_NOT_PRESENT', async () => {
    let pull = (): void => undefined;
    const { token, driver, certId } = await setup({
      via,
      typePin: () => {
        pull();
        return PIN;
      },
    });
    await driver.listCertificates();
    pull = () => token.remove();
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'DEVICE_REMOVED' });
    pull = () => undefined;
    expect(await driver.listCertificates()).toEqual([]);
    await expect(driver.login(certId, '')).rejects.toMatchObject({ code: 'TOKEN_NOT_PRESENT' });
    token.insert();
    await driver.login(certId, '');
  });

  it('no extension: CLIENT_NOT_RUNNING, reason extension-missing (install and enable the extension)', async () => {
    const { kit, driver, certId } = await setup({ via });
    kit.extension = false;
    const error = await driver.listCertificates().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CLIENT_NOT_RUNNING', message: '未检测到CFCA CryptoKit浏览器扩展。', details: { client: 'CFCA CryptoKit', reason: 'extension-missing' } });
    expect((error as { remedy: string }).remedy).toContain('浏览器扩展');
    kit.extension = true; // installed meanwhile: the next call connects
    await driver.login(certId, '');
  });

  it('no native host: CLIENT_NOT_RUNNING, reason host-missing (install the CryptoKit package)', async () => {
    const { kit, driver } = await setup({ via });
    kit.host = false;
    const error = await driver.listCertificates().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CLIENT_NOT_RUNNING', message: '未检测到CFCA CryptoKit本地程序。', details: { reason: 'host-missing' } });
    expect((error as { localizedRemedy(l: string): string }).localizedRemedy('en')).toBe("Install the CA's client package, then restart the browser.");
  });

  it.each([
    [1, 'Could not establish connection. Receiving end does not exist.', 'extension-missing'],
    [1, 'Specified native messaging host not found.', 'host-missing'],
    [2, 'Extension does not exist!', 'extension-missing'],
    [3, 'Only support Firefox/ Edge(Chromium)/ Chrome/ Safari', 'browser-unsupported'],
    [4, 'Host does not exist!', 'host-missing'],
    [5, 'Extension exit!', 'extension-missing'],
    [-1, 'host failed', 'host-missing'],
  ] as const)('the wrapper code %i (%s) at start is CLIENT_NOT_RUNNING, reason %s', async (errorcode, result, reason) => {
    const { kit, driver } = await setup({ via });
    kit.replyNext({ errorcode, result }, 'connect');
    await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { reason, text: result } });
    expect((await driver.listCertificates()).length).toBe(1);
  });

  it('the check of the host failing is host-missing', async () => {
    const { kit, driver } = await setup({ via });
    kit.replyNext({ errorcode: -1, result: 'Host does not exist!' }, 'checkHost');
    await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { reason: 'host-missing' } });
  });

  it.each(['not-json', 'missing-fields', 'silent', ...(via === 'events' ? (['wrong-id'] as const) : [])] as const)(
    'a malformed reply (%s) is CLIENT_PROTOCOL_ERROR, and the driver recovers',
    async (fault) => {
      const { kit, driver, certId } = await setup({ via, driver: { timeoutMs: 300, interactiveTimeoutMs: 300 } });
      await driver.listCertificates();
      expect(kit.tamper(fault, via)).toBe(true);
      await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
      expect((await driver.sign(certId, TEXT)).format).toBe('cms');
    },
  );

  it('other malformed replies: no errorcode, an array, a non-base64 signature, a non-text certificate', async () => {
    const { kit, driver, certId } = await setup({ via });
    kit.replyNext({ result: 'x' });
    await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR', details: { reason: 'the reply is not { errorcode, result }' } });
    kit.replyNext([0, 'x']);
    await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
    await driver.login(certId, '');
    kit.replyNext({ errorcode: 0, result: '*** not base64 ***' });
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR', details: { reason: 'SignMsgPKCS7 did not return base64' } });
    kit.replyNext({ errorcode: '0', result: 'true' }); // the select; errorcode as a string is read as the wrappers read it (==)
    kit.replyNext({ errorcode: 0, result: 42 }); // CertContent
    await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR', details: { reason: 'getSignCertInfo answered without a text result' } });
  });

  it('a select answering false lists nothing', async () => {
    const { kit, driver } = await setup({ via });
    kit.replyNext({ errorcode: 0, result: false });
    expect(await driver.listCertificates()).toEqual([]);
  });

  it('code 1 after the start (the extension or host went away) is CLIENT_NOT_RUNNING, and the driver connects again', async () => {
    const { kit, driver, certId } = await setup({ via });
    await driver.login(certId, '');
    kit.replyNext({ errorcode: 1, result: 'Native host has exited.' });
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { reason: 'host-missing', text: 'Native host has exited.' } });
    const connects = kit.requests.filter((r) => r === 'connect').length;
    expect((await driver.sign(certId, TEXT)).format).toBe('cms');
    expect(kit.requests.filter((r) => r === 'connect').length).toBe(connects + 1);
  });

  it.each([
    [2, 'Extension does not exist!', 'extension-missing'],
    [3, 'Only support Firefox/ Edge(Chromium)/ Chrome/ Safari', 'browser-unsupported'],
    [4, 'Host does not exist!', 'host-missing'],
    [5, `Extension exit! ${'x'.repeat(500)}`, 'extension-missing'],
  ] as const)('the wrapper code %i after the start is CLIENT_NOT_RUNNING (text capped), and the driver connects again', async (errorcode, result, reason) => {
    const { kit, driver, certId } = await setup({ via });
    await driver.login(certId, '');
    kit.replyNext({ errorcode, result });
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { reason, text: result.slice(0, 200) } });
    const connects = kit.requests.filter((r) => r === 'connect').length;
    expect((await driver.sign(certId, TEXT)).format).toBe('cms');
    expect(kit.requests.filter((r) => r === 'connect').length).toBe(connects + 1);
  });

  it.each(['', 'AAAA', 'MEUCIQ=='])('a signature that is not base64 of 16 bytes or more (%j) is CLIENT_PROTOCOL_ERROR', async (result) => {
    const { kit, driver, certId } = await setup({ via });
    await driver.login(certId, '');
    kit.replyNext({ errorcode: 0, result });
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR', details: { reason: 'SignMsgPKCS7 did not return base64' } });
  });

  // Only the DOM-event transport carries raw text; the extension's messaging hands over objects.
  if (via === 'events') {
    it('an events reply whose detail is an object, not JSON text, is CLIENT_PROTOCOL_ERROR', async () => {
      const { kit, driver, certId } = await setup({ via });
      await driver.login(certId, '');
      kit.rawNext({ errorcode: 0, result: 'A'.repeat(64) });
      await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR', details: { reason: 'the reply is not JSON text' } });
    });
  }

  it('closing disconnects', async () => {
    const { kit, driver } = await setup({ via });
    await driver.listCertificates();
    await driver.close?.();
    expect(kit.requests.at(-1)).toBe('disconnect');
  });
});

describe('CFCA CryptoKit host errors', () => {
  it.each(Object.entries({
    PIN_INCORRECT: 'PIN_INCORRECT',
    PIN_LOCKED: 'PIN_LOCKED',
    USER_CANCELLED: 'USER_CANCELLED',
    DEVICE_REMOVED: 'DEVICE_REMOVED',
    TOKEN_NOT_PRESENT: 'TOKEN_NOT_PRESENT',
    CERT_NOT_FOUND: 'CERT_NOT_FOUND',
  }))('the host text for %s, in Chinese and in English, is %s', async (failure, code) => {
    const { kit, driver, certId } = await setup();
    await driver.login(certId, '');
    for (const lang of ['zh', 'en'] as const) {
      kit.failNext(HOST_TEXTS[failure as HostFailure][lang]);
      await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code });
    }
  });

  it.each([
    ['PIN码不正确，请重新输入', 'PIN_INCORRECT'],
    ['密码校验失败', 'PIN_INCORRECT'],
    ['Wrong PIN', 'PIN_INCORRECT'],
    ['UKey已锁死', 'PIN_LOCKED'],
    ['请插入UKey', 'TOKEN_NOT_PRESENT'],
    ['没有找到有效的证书', 'CERT_NOT_FOUND'],
    ['No valid certificate', 'CERT_NOT_FOUND'],
    ['不支持的签名算法', 'MECHANISM_UNSUPPORTED'],
    ['错误码 0x8010006E', 'USER_CANCELLED'],
    ['0x8010006B', 'PIN_INCORRECT'],
  ])('other wordings: %s is %s', async (text, code) => {
    const { kit, driver, certId } = await setup();
    await driver.login(certId, '');
    kit.failNext(text);
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code });
  });

  it('a Windows code as the errorcode is classified without a known text', async () => {
    const { kit, driver, certId } = await setup();
    await driver.login(certId, '');
    kit.failNext('Invalid algorithm specified.', 0x80090008 | 0);
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'MECHANISM_UNSUPPORTED', details: { mechanism: 'SignMsgPKCS7' } });
    kit.failNext('操作已完成', 0x8010006c | 0);
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'PIN_LOCKED' });
  });

  it("any other host failure is CLIENT_REPORTED_ERROR in the host's words", async () => {
    const { kit, driver, certId } = await setup();
    await driver.login(certId, '');
    kit.failNext('证书链验证失败(1234)', 1234);
    const error = await driver.sign(certId, TEXT).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'CLIENT_REPORTED_ERROR',
      message: '证书客户端报错：证书链验证失败(1234)',
      details: { fn: 'SignMsgPKCS7', errorcode: 1234, vendorText: '证书链验证失败(1234)' },
    });
  });

  it('without GetLastErrorDesc (it fails too) the failure is still typed, with what the reply said', async () => {
    const { kit, driver, certId } = await setup();
    await driver.login(certId, '');
    kit.replyNext({ errorcode: 7, result: '用户取消' });
    kit.replyNext({ errorcode: 7, result: '' });
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'USER_CANCELLED', details: { errorcode: 7 } });
  });
});

describe('CryptoKit builds and platform settings', () => {
  it("the 'selectSignCert' build: SelectSignCert and GetSignCertInfo", async () => {
    const { kit, driver, certId } = await setup({ kit: { build: 'selectSignCert' }, driver: { build: 'selectSignCert', cspList: 'CFCA CSP v3.0' } });
    expect((await driver.listCertificates())[0]?.id).toBe(certId);
    expect((await driver.sign(certId, TEXT)).format).toBe('cms');
    expect(kit.requests).toEqual(expect.arrayContaining(['SelectSignCert', 'GetSignCertInfo', 'SignMsgPKCS7']));
    expect(kit.requests).not.toContain('getSignCertInfo');
  });

  it("the wrong preset for the platform's build is CLIENT_REPORTED_ERROR in the host's words", async () => {
    const { driver } = await setup({ kit: { build: 'selectSignCert' } });
    await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_REPORTED_ERROR', details: { fn: 'SelectCertificate', vendorText: HOST_TEXTS.UNKNOWN_FUNCTION.zh } });
  });

  it("the 'bank' build alone cannot read the certificate (OPEN): a clear CLIENT_PROTOCOL_ERROR", async () => {
    const { kit, driver } = await setup({ kit: { build: 'bank' }, driver: { build: 'bank' } });
    await expect(driver.listCertificates()).rejects.toMatchObject({
      code: 'CLIENT_PROTOCOL_ERROR',
      details: { reason: 'this CryptoKit build has no call reading the certificate: add `certificate` to the build map' },
    });
    expect(kit.requests).toEqual(['connect', 'checkHost', 'SetCert']); // the host check is invoked in this build
  });

  it("the 'bank' build with the platform's own readers: SetCert, DetachSignStr, errors from GetErrorCode and GetErrorMessage", async () => {
    // Readers a bank build might add (JIT-style GetCertInfo: hypothetical, for this test only).
    const build: CryptoKitBuild = { ...CRYPTOKIT_BUILDS.bank, certificate: ['GetCertInfo', 'SC', '8'], serial: ['GetCertInfo', 'SC', '2'] };
    const { kit, driver, certId } = await setup({ typePin: () => '000000', kit: { build }, driver: { build } });
    const [listed] = await driver.listCertificates();
    expect(listed).toMatchObject({ id: certId, label: 'CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1' });
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'PIN_INCORRECT', details: { errorcode: -1, vendorText: HOST_TEXTS.PIN_INCORRECT.zh } });
    expect(kit.requests.slice(-3)).toEqual(['DetachSignStr', 'GetErrorCode', 'GetErrorMessage']);
  });

  it("the 'bank' build: GetErrorCode's answer is used only when that call succeeded", async () => {
    const build: CryptoKitBuild = { ...CRYPTOKIT_BUILDS.bank, certificate: ['GetCertInfo', 'SC', '8'], serial: ['GetCertInfo', 'SC', '2'] };
    const { kit, driver, certId } = await setup({ kit: { build }, driver: { build } });
    await driver.login(certId, '');
    kit.replyNext({ errorcode: -1, result: '' }, 'DetachSignStr');
    kit.replyNext({ errorcode: 9, result: '0x8010006C' }, 'GetErrorCode'); // failed: its result is no code
    kit.replyNext({ errorcode: 0, result: '用户取消' }, 'GetErrorMessage');
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'USER_CANCELLED', details: { errorcode: -1, vendorText: '用户取消' } });
  });

  it.each(['action', 'invoke'] as const)("the host check in the other form than the preset's (the platform's build checks by %s): tried next, and it starts", async (form) => {
    const preset = form === 'action' ? 'bank' : 'selectCertificate';
    const kitBuild: CryptoKitBuild = { ...CRYPTOKIT_BUILDS[preset], checkHost: form };
    const { kit, driver } = await setup({ kit: { build: kitBuild }, driver: { build: { ...kitBuild, checkHost: form === 'action' ? 'invoke' : 'action' } } });
    await driver.listCertificates().catch(() => undefined); // the bank build cannot list; the start is what counts
    expect(kit.requests.slice(0, 4)).toEqual(['connect', 'checkHost', 'checkHost', preset === 'bank' ? 'SetCert' : 'SelectCertificate']);
  });

  it('a custom map: the build whose SelectCertificate takes no CSP list', async () => {
    const build: CryptoKitBuild = { ...CRYPTOKIT_BUILDS.selectSignCert, select: ['SelectCertificate', '$subject', '$issuer', '$serial'] };
    const { driver, certId } = await setup({ kit: { build }, driver: { build } });
    expect((await driver.listCertificates())[0]?.id).toBe(certId);
    expect((await driver.sign(certId, TEXT)).format).toBe('cms');
  });

  it('the wrong product id: the host is not found', async () => {
    const { driver } = await setup({ driver: { productId: 'com.cfca.cryptokit.other' }, via: 'runtime' });
    await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { reason: 'host-missing' } });
  });

  it('the wrong extension id: the extension is not found', async () => {
    const { driver } = await setup({ driver: { extensionId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' } });
    await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { reason: 'extension-missing' } });
  });

  it("Edge uses the platform's Edge extension id", async () => {
    vi.stubGlobal('navigator', { userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36 Edg/120.0' });
    const { kit, driver } = await setup({ driver: { extensionId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' } });
    const edge = createCfcaDriver(reach(kit, 'runtime', { extensionId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', edgeExtensionId: kit.extensionId }));
    expect(await edge.listCertificates()).toHaveLength(1);
    await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING' });
  });

  it("transport 'auto': chrome.runtime when the page has it and an extension id is given, else DOM events on the page's document", async () => {
    const { kit } = await setup();
    vi.stubGlobal('chrome', { runtime: kit.runtime });
    vi.stubGlobal('document', kit.document);
    const auto = { productId: kit.productId, timeoutMs: 1500 };
    expect(await createCfcaDriver({ ...auto, extensionId: kit.extensionId }).listCertificates()).toHaveLength(1);
    expect(kit.requests).not.toContain('getExtensionVersion');
    expect(await createCfcaDriver(auto).listCertificates()).toHaveLength(1);
    vi.stubGlobal('chrome', undefined);
    expect(await createCfcaDriver({ ...auto, extensionId: kit.extensionId }).listCertificates()).toHaveLength(1);
  });

  it('DOM events without the marker element (Safari): the extension is asked its version first; no answer in 0.5 s is extension-missing', async () => {
    const { kit } = await setup();
    const { getElementById: _marker, ...unmarked } = kit.document;
    const driver = createCfcaDriver(reach(kit, 'events', { document: unmarked }));
    expect(await driver.listCertificates()).toHaveLength(1);
    expect(kit.requests[0]).toBe('getExtensionVersion');
    kit.extension = false;
    const silentDriver = createCfcaDriver(reach(kit, 'events', { document: unmarked }));
    const started = Date.now();
    await expect(silentDriver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { reason: 'extension-missing' } });
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it('an events reply of null (the extension removed) is CLIENT_NOT_RUNNING', async () => {
    const { kit, driver, certId } = await setup({ via: 'events' });
    await driver.login(certId, '');
    kit.replyNext(null);
    await expect(driver.sign(certId, TEXT)).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { reason: 'extension-missing' } });
  });

  it('no document and no chrome.runtime, or Internet Explorer: browser-unsupported', async () => {
    vi.stubGlobal('document', undefined);
    await expect(createCfcaDriver({ productId: 'com.cfca.cryptokit.x' }).listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { reason: 'browser-unsupported' } });
    vi.stubGlobal('navigator', { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko' });
    const { kit } = await setup();
    await expect(createCfcaDriver(reach(kit, 'events')).listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { reason: 'browser-unsupported' } });
    expect(kit.requests).toEqual([]);
  });

  it("transport 'runtime' without chrome.runtime is extension-missing", async () => {
    vi.stubGlobal('chrome', undefined);
    await expect(createCfcaDriver({ productId: 'com.cfca.cryptokit.x', extensionId: 'x', transport: 'runtime' }).listCertificates()).rejects.toMatchObject({
      code: 'CLIENT_NOT_RUNNING',
      details: { reason: 'extension-missing' },
    });
  });

  it('sends the filters, the CSP list and a set hash name; one call at a time', async () => {
    const { kit, driver, certId } = await setup({ driver: { hashAlgorithm: 'SHA-1', subjectFilter: 'O=CFCA', issuerFilter: 'CN=CFCA', cspList: 'CFCA CSP v3.0' } });
    const sent: unknown[] = [];
    const send = kit.runtime.sendMessage.bind(kit.runtime);
    kit.runtime.sendMessage = (id, message, callback) => {
      sent.push(message);
      send(id, message, callback);
    };
    const [a, b] = await Promise.all([driver.sign(certId, TEXT), driver.sign(certId, TEXT)]);
    expect(a.format).toBe('cms');
    expect(b.format).toBe('cms');
    expect(sent).toContainEqual({ action: 'invoke', funcInfo: { function: 'SelectCertificate', params: ['O=CFCA', 'CN=CFCA', certId, 'CFCA CSP v3.0'], randomId: expect.stringMatching(/^[0-9a-z]{10}$/) as unknown } });
    expect(kit.signCalls).toEqual([{ hash: 'SHA-1', attached: false }, { hash: 'SHA-1', attached: false }]);
    expect(kit.requests.filter((r) => r === 'SelectCertificate')).toHaveLength(1);
  });

  it('refuses to sign nothing', async () => {
    const { driver, certId } = await setup();
    await expect(driver.sign(certId, '')).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR', details: { reason: 'nothing to sign' } });
  });
});
