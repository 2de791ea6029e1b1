import { describe, expect, it } from 'vitest';
import { SOF_ERRORS, cleanBase64, parseSofUserList, sofErrorToClientError } from './index';

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

  it('maps SOF error codes to client codes', () => {
    const code = (sof: number) => sofErrorToClientError(sof, 'SOF_SignData').code;
    expect(code(SOF_ERRORS.PIN_LOCKED)).toBe('PIN_LOCKED');
    expect(code(SOF_ERRORS.USER_CANCELLED)).toBe('USER_CANCELLED');
    expect(code(SOF_ERRORS.DEVICE_REMOVED)).toBe('DEVICE_REMOVED');
    expect(code(SOF_ERRORS.NO_CERTIFICATE)).toBe('TOKEN_NOT_PRESENT');
    expect(code(SOF_ERRORS.CONTAINER_NOT_FOUND)).toBe('CERT_NOT_FOUND');
    expect(code(SOF_ERRORS.NOT_LOGGED_IN)).toBe('TOKEN_LOGIN_REQUIRED');
    expect(code(SOF_ERRORS.ALGORITHM)).toBe('MECHANISM_UNSUPPORTED');
    expect(sofErrorToClientError(0x0b000201, 'SOF_Login').details['reason']).toBe('SOF_Login failed with SOF error 0x0B000201');
  });

  it('accepts base64 as clients send it (CR/LF, PEM armour, missing padding), nothing else', () => {
    expect(cleanBase64('QUJD\r\nREVG')).toBe('QUJDREVG');
    expect(cleanBase64('-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n')).toBe('QUJD');
    expect(cleanBase64('QUI')).toBe('QUI=');
    for (const bad of ['', 'QUJ*', 'Q', 'QU==Q', null, 5]) expect(cleanBase64(bad)).toBeUndefined();
  });
});
