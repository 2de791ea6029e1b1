import { describe, expect, it } from 'vitest';
import { SOF_STANDARD_ERRORS, cleanBase64, createSofDriver, parseSofUserList, sofErrorToClientError, type SofCarrier, type SofFunction, type SofReply } from './index';
import { SOF_GDCA_ERRORS } from './sof-presets';

describe('SOF helpers', () => {
  it('parses user lists: name||certId&&&, trailing separator optional, blanks skipped', () => {
    expect(parseSofUserList('张三||{A1-B2}&&&李四||SN01/cont&&&')).toEqual([
      { label: '张三', certId: '{A1-B2}' },
      { label: '李四', certId: 'SN01/cont' },
    ]);
    expect(parseSofUserList('王五||X1')).toEqual([{ label: '王五', certId: 'X1' }]);
    expect(parseSofUserList('')).toEqual([]);
    expect(() => parseSofUserList('no separator&&&')).toThrow(expect.objectContaining({ code: 'CLIENT_PROTOCOL_ERROR' }));
    expect(() => parseSofUserList('name||&&&')).toThrow(expect.objectContaining({ code: 'CLIENT_PROTOCOL_ERROR' }));
    expect(() => parseSofUserList(42)).toThrow(expect.objectContaining({ code: 'CLIENT_PROTOCOL_ERROR' }));
  });

  it("maps the standard's SOR codes that have a client code, and only those by default", () => {
    const code = (sof: number | string) => sofErrorToClientError(sof, 'SOF_SignData').code;
    expect(code(0x0b000310)).toBe('CERT_NOT_FOUND'); // SOR_CertNotFountErr
    expect(code(0x0b000309)).toBe('CERT_NOT_FOUND'); // SOR_KeyNotFountErr
    expect(code(0x0b000007)).toBe('MECHANISM_UNSUPPORTED'); // SOR_AlgoTypeErr
    expect(code(0x0b000002)).toBe('MECHANISM_UNSUPPORTED'); // SOR_NotSupportYetErr
    expect(Object.keys(SOF_STANDARD_ERRORS).every((k) => Number(k) >= 0x0b000001 && Number(k) <= 0x0b000421)).toBe(true);
    // GDCA's extension codes are not the standard's: unknown unless declared.
    for (const gdca of [0x0b000426, 0x0b000442, 0x0b000447, 0x0b000448, 0x0b000425, 0x0b00100a]) expect(code(gdca)).toBe('CLIENT_REPORTED_ERROR');
  });

  it("makes an unknown vendor code a typed CLIENT_REPORTED_ERROR carrying the vendor's code and text", () => {
    const e = sofErrorToClientError(0x0b000409, 'SOF_SignData', { text: '签名失败' });
    expect(e).toMatchObject({ name: 'YizhengError', code: 'CLIENT_REPORTED_ERROR', details: { fn: 'SOF_SignData', vendorCode: 0x0b000409, vendorText: '签名失败' } });
    expect(e.message).toContain('签名失败');
    expect(sofErrorToClientError('E102', 'SOF_Login')).toMatchObject({ details: { vendorCode: 'E102', vendorText: 'SOF_Login: E102' }, message: '证书客户端报错：SOF_Login: E102' });
  });

  it('maps declared codes: GDCA extension, explicit tables (numbers or numeric strings), a meaning the reply named', () => {
    const gdca = (sof: number | string) => sofErrorToClientError(sof, 'SOF_Login', { errorCodes: SOF_GDCA_ERRORS });
    expect(gdca(0x0b000447).code).toBe('USER_CANCELLED');
    expect(gdca('0x0B000448').code).toBe('DEVICE_REMOVED');
    expect(gdca('184550466')).toMatchObject({ code: 'PIN_LOCKED', details: { remaining: 0, locked: true } });
    expect(gdca(0x0b000426)).toMatchObject({ code: 'PIN_INCORRECT', details: { remaining: null, source: 'unknown' } });
    expect(gdca(0x0b00100a).code).toBe('CERT_NOT_FOUND');
    expect(gdca(0x0b000310).code).toBe('CERT_NOT_FOUND'); // the standard's stay
    const table = { [0x0b000447]: 'USER_CANCELLED', [0x0b000999]: 'DEVICE_REMOVED', E102: 'TOKEN_NOT_PRESENT', ' e7 ': 'PIN_LOCKED' } as const;
    expect(sofErrorToClientError('0x0B000447', 'x', { errorCodes: table }).code).toBe('USER_CANCELLED');
    expect(sofErrorToClientError(String(0x0b000999), 'x', { errorCodes: table }).code).toBe('DEVICE_REMOVED');
    expect(sofErrorToClientError(' e7 ', 'x', { errorCodes: table }).code).toBe('PIN_LOCKED');
    expect(sofErrorToClientError('E102', 'x', { errorCodes: table }).code).toBe('TOKEN_NOT_PRESENT');
    expect(sofErrorToClientError(0x0b000001, 'x', { meaning: 'USER_CANCELLED' }).code).toBe('USER_CANCELLED');
    expect(sofErrorToClientError(0x0b000007, 'SOF_SignData').details).toMatchObject({ mechanism: 'SOF_SignData' });
  });

  it('accepts base64 as clients send it (CR/LF, PEM armour, missing padding), nothing else', () => {
    expect(cleanBase64('QUJD\r\nREVG')).toBe('QUJDREVG');
    expect(cleanBase64('-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n')).toBe('QUJD');
    expect(cleanBase64('QUI')).toBe('QUI=');
    for (const bad of ['', 'QUJ*', 'Q', 'QU==Q', null, 5]) expect(cleanBase64(bad)).toBeUndefined();
  });
});

/** A carrier answering from a script: `answers[fn]` is the reply (or a function of the arguments); every call is logged. */
function scripted(answers: Partial<Record<SofFunction, SofReply | ((args: readonly (string | number)[]) => SofReply)>>, extra: Partial<SofCarrier> = {}) {
  const calls: string[] = [];
  const carrier: SofCarrier = {
    ...extra,
    async call(fn, args) {
      calls.push(fn);
      const a = answers[fn];
      if (a === undefined) return { ok: false, code: 0x0b000002 };
      return typeof a === 'function' ? a(args) : a;
    },
  };
  return { carrier, calls };
}

const LIST: SofReply = { ok: true, value: '张三||c1&&&' };
const TRIES = (n: number): SofReply => ({ ok: true, value: String(n) });

describe('createSofDriver: PIN failures without the vendor saying "wrong PIN"', () => {
  it('asks the tries left after a login that fails with no code, SOR_UnknownErr, `false` or a code outside the standard table', async () => {
    for (const login of [
      { ok: false, code: 0 },
      { ok: false, code: 0x0b000001 },
      { ok: true, value: false },
      { ok: true, value: 'false' },
      { ok: false, code: 18 }, // e.g. BJCA's own numbering
      { ok: false, code: 'E_PIN' },
    ] satisfies SofReply[]) {
      const { carrier, calls } = scripted({ SOF_GetUserList: LIST, SOF_Login: login, SOF_GetPinRetryCount: TRIES(4) });
      await expect(createSofDriver({ id: 't', carrier }).login('c1', '000000')).rejects.toMatchObject({
        code: 'PIN_INCORRECT',
        details: { remaining: 4, source: 'exact', retriesZh: '还有4次机会。' },
      });
      expect(calls).toEqual(['SOF_Login', 'SOF_GetPinRetryCount']);
    }
  });

  it('0 tries left is PIN_LOCKED; a standard non-PIN code is not a PIN failure (no tries asked)', async () => {
    const locked = scripted({ SOF_Login: { ok: false, code: 0x0b000001 }, SOF_GetPinRetryCount: TRIES(0) });
    await expect(createSofDriver({ id: 't', carrier: locked.carrier }).login('c1', '000000')).rejects.toMatchObject({ code: 'PIN_LOCKED' });
    const input = scripted({ SOF_Login: { ok: false, code: 0x0b000201, text: '输入数据错误' } });
    await expect(createSofDriver({ id: 't', carrier: input.carrier }).login('c1', '000000')).rejects.toMatchObject({
      code: 'CLIENT_REPORTED_ERROR',
      details: { vendorCode: 0x0b000201, vendorText: '输入数据错误', fn: 'SOF_Login' },
    });
    expect(input.calls).toEqual(['SOF_Login']);
  });

  it('a declared wrong-PIN code whose tries cannot be read is PIN_INCORRECT with an unknown count', async () => {
    const { carrier } = scripted({ SOF_Login: { ok: false, code: 0x0b000426 }, SOF_GetPinRetryCount: { ok: false, code: 0x0b000002 } }, { errorCodes: SOF_GDCA_ERRORS });
    await expect(createSofDriver({ id: 't', carrier }).login('c1', '000000')).rejects.toMatchObject({ code: 'PIN_INCORRECT', details: { remaining: null } });
  });

  it("a reply's meaning wins, the driver's errorCodes override the carrier's, and unknown certificates on an empty list are TOKEN_NOT_PRESENT", async () => {
    const cancel = scripted({ SOF_SignData: { ok: false, code: 0x0b000001, meaning: 'USER_CANCELLED' } });
    await expect(createSofDriver({ id: 't', carrier: cancel.carrier }).sign('c1', 'x')).rejects.toMatchObject({ code: 'USER_CANCELLED' });
    const removed = scripted({ SOF_SignData: { ok: false, code: 0x0b000448 } }, { errorCodes: 'standard' });
    await expect(createSofDriver({ id: 't', carrier: removed.carrier }).sign('c1', 'x')).rejects.toMatchObject({ code: 'CLIENT_REPORTED_ERROR' });
    await expect(createSofDriver({ id: 't', carrier: removed.carrier, errorCodes: SOF_GDCA_ERRORS }).sign('c1', 'x')).rejects.toMatchObject({ code: 'DEVICE_REMOVED' });
    const gone = scripted({ SOF_GetUserList: { ok: true, value: '' }, SOF_SignData: { ok: false, code: 0x0b000310 } });
    await expect(createSofDriver({ id: 't', carrier: gone.carrier }).sign('c1', 'x')).rejects.toMatchObject({ code: 'TOKEN_NOT_PRESENT' });
    const other = scripted({ SOF_GetUserList: LIST, SOF_SignData: { ok: false, code: 0x0b000310 } });
    await expect(createSofDriver({ id: 't', carrier: other.carrier }).sign('c9', 'x')).rejects.toMatchObject({ code: 'CERT_NOT_FOUND', details: { certId: 'c9' } });
  });

  it('keeps the carrier interface callers already use: call(fn, args, options) with BJCA-spelled export, bare numeric codes', async () => {
    const CERT = 'QUJD'.repeat(6); // 18 bytes: values under 16 bytes are no certificate or signature
    const seen: string[] = [];
    const carrier: SofCarrier = {
      async call(fn) {
        seen.push(fn);
        if (fn === 'SOF_GetUserList') return LIST;
        if (fn === 'SOF_ExportUserCert' || fn === 'SOF_ExportExChangeUserCert') return { ok: true, value: CERT };
        return { ok: false, code: 0 };
      },
    };
    const [cert] = await createSofDriver({ id: 'legacy', provider: 'x', carrier, pinLength: { min: 6, max: 16 }, timeoutMs: 100, interactiveTimeoutMs: 100 }).listCertificates();
    expect(cert).toEqual({ id: 'c1', label: '张三', certificate: CERT, encryptionCertificate: CERT, provider: 'x' });
    expect(seen).toEqual(['SOF_GetUserList', 'SOF_ExportUserCert', 'SOF_ExportExChangeUserCert']);
  });
});
