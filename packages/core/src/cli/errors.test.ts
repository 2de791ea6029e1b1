import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, YizhengError, type ErrorDetails } from '../errors/index';
import { asYizhengError, CLI_REMEDIES, cliError, cliErrorJson, cliErrorText, cliMessage, cliRemedy, PAGE_SPECIFIC, UsageError } from './errors';

/** Any code with any details (the catalogue's per-code detail types do not matter here). */
const make = (code: string, details: ErrorDetails = {}): YizhengError =>
  new (YizhengError as unknown as new (code: string, details: ErrorDetails) => YizhengError)(code, details);

/** Every code, and every code with each of its `details.reason` cases. */
const CASES: [string, ErrorDetails][] = Object.entries(ERROR_CATALOGUE).flatMap(([code, entry]) => [
  [code, {}] as [string, ErrorDetails],
  ...Object.keys((entry as { reasons?: object }).reasons ?? {}).map((reason) => [code, { reason }] as [string, ErrorDetails]),
]);

describe('CLI remedies', () => {
  it.each(CASES)('%s %j: no remedy that only makes sense on the login page', (code, details) => {
    const err = make(code, details);
    for (const locale of ['zh-CN', 'en'] as const) {
      const remedy = cliRemedy(err, locale);
      expect(remedy, `${code} ${locale}`).not.toMatch(PAGE_SPECIFIC);
      expect(remedy.trim()).not.toBe('');
    }
  });

  it('replaces the page remedies the CLI meets with what to do with the command', () => {
    const invalid = make('SIGNATURE_INVALID', { reason: 'x' });
    expect(invalid.localizedRemedy('zh-CN')).toContain('重新登录');
    expect(cliRemedy(invalid, 'zh-CN')).toContain('--data');
    expect(cliRemedy(invalid, 'en')).toContain('--sm2-user-id');
    expect(cliRemedy(make('CERT_UNTRUSTED'), 'en')).toContain('--anchor');
    expect(cliRemedy(make('REVOCATION_UNAVAILABLE'), 'zh-CN')).toContain('--crl');
    expect(cliRemedy(make('INPUT_TOO_LARGE', { what: 'x', limit: 10 }), 'en')).toContain('limit 10 bytes');
    // A page-specific remedy without an override of its own gets the generic CLI one.
    expect(cliRemedy(make('CHALLENGE_EXPIRED', { expiresAt: 'x' }), 'en')).toContain('yizheng --help');
    // A remedy that fits a terminal is kept as the catalogue words it.
    expect(cliRemedy(make('CODE_INVALID', { reason: 'x', reasonEn: 'x' }), 'zh-CN')).toBe(make('CODE_INVALID').localizedRemedy('zh-CN'));
  });

  it('has no override that is itself page-specific, and overrides only catalogued codes', () => {
    for (const [code, text] of Object.entries(CLI_REMEDIES)) {
      expect(Object.hasOwn(ERROR_CATALOGUE, code), code).toBe(true);
      expect(text.zh, code).not.toMatch(PAGE_SPECIFIC);
      expect(text.en, code).not.toMatch(PAGE_SPECIFIC);
    }
  });
});

describe('CLI messages', () => {
  it('gives the CLI reasons in both languages', () => {
    const err = cliError('CERT_MALFORMED', { zh: '不是证书', en: 'not a certificate' }, { input: 'a.cer' });
    expect(cliMessage(err, 'zh-CN')).toBe('证书格式错误，无法解析：不是证书');
    expect(cliMessage(err, 'en')).toBe('The certificate is malformed and cannot be parsed: not a certificate');
    expect(err.details).toEqual({ input: 'a.cer', reason: 'not a certificate', reasonZh: '不是证书' });
  });

  it('words a file error and shows dates in Beijing time', () => {
    const file = make('FILE_UNREADABLE', { path: '/x', reason: 'EACCES' });
    expect(cliMessage(file, 'zh-CN')).toBe('无法读取文件 /x（没有读取权限，EACCES）。');
    expect(cliMessage(make('FILE_UNREADABLE', { path: '/x', reason: 'EWEIRD' }), 'en')).toBe('Cannot read the file /x (EWEIRD).');
    const expired = make('CERT_EXPIRED', { subject: 'CN=张三', notAfter: '2026-12-02T08:30:00.000Z' });
    expect(cliMessage(expired, 'zh-CN')).toBe('证书已过期：CN=张三 的有效期已于 2026-12-02 16:30:00 (北京时间) 结束。');
    expect(cliMessage(expired, 'en')).toBe('The certificate has expired: CN=张三 was valid until 2026-12-02 16:30:00 (Beijing time).');
  });

  it('prints JSON with the CLI words and the original details', () => {
    const err = new UsageError({ zh: '未知命令“x”', en: 'unknown command "x"' }, { command: 'x' });
    expect(cliErrorJson(err)).toEqual({
      code: 'INVALID_ARGUMENT',
      message: { 'zh-CN': '参数无效：未知命令“x”', en: 'Invalid argument: unknown command "x"' },
      remedy: { 'zh-CN': '运行 yizheng --help 查看命令和选项的用法。', en: 'Run yizheng --help to see the commands and their options.' },
      details: { command: 'x', reason: 'unknown command "x"', reasonZh: '未知命令“x”' },
    });
    expect(cliErrorText(err, 'en')).toBe('yizheng: [INVALID_ARGUMENT] Invalid argument: unknown command "x"\nRun yizheng --help to see the commands and their options.');
  });

  it('turns anything else thrown into INTERNAL_ERROR', () => {
    expect(asYizhengError(new RangeError('bad')).details).toEqual({ reason: 'bad' });
    expect(asYizhengError('text').code).toBe('INTERNAL_ERROR');
    const own = make('CODE_INVALID');
    expect(asYizhengError(own)).toBe(own);
    // An error of another copy of the library (a provider package's) keeps its code and details.
    const foreign = Object.assign(new Error('m'), { name: 'YizhengError', code: 'PROVIDER_UNKNOWN', details: { provider: 'x' } });
    expect(asYizhengError(foreign)).toMatchObject({ code: 'PROVIDER_UNKNOWN', details: { provider: 'x' } });
    expect(asYizhengError(undefined).code).toBe('INTERNAL_ERROR');
  });
});
