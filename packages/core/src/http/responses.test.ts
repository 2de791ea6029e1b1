import { describe, expect, it } from 'vitest';
import { YizhengError as PageError } from '../client/errors';
import { ERROR_CODES, ERROR_HTTP_STATUS, YizhengError } from '../errors/index';
import { MAX_TOKEN_BYTES } from '../token/parse';
import { RECOMMENDED_BODY_LIMIT, errorResponse } from './index';

describe('errorResponse', () => {
  it.each(ERROR_CODES.filter((code) => ERROR_HTTP_STATUS[code] !== 500).map((code) => [code, ERROR_HTTP_STATUS[code]] as const))('answers %s with %i and its bilingual JSON', (code, status) => {
    const error = new YizhengError(code, { reason: 'r' } as never, { locale: 'en' });
    const answer = errorResponse(error);
    expect(answer).toMatchObject({ ok: false, status, unexpected: false, headers: { 'cache-control': 'no-store' } });
    expect(answer.body).toEqual({ error: error.toJSON() });
    expect(answer.body.error).toHaveProperty('remedy.zh-CN');
  });

  it.each(ERROR_CODES.filter((code) => ERROR_HTTP_STATUS[code] === 500))('answers %s as an internal error: 500, nothing of its details', (code) => {
    const error = new YizhengError(code, { reason: 'signature verification: OpenSSL error at /srv/portal/node_modules', path: '/etc/yizheng/key.pem' } as never);
    const answer = errorResponse(error);
    expect(answer).toMatchObject({ ok: false, status: 500, unexpected: true, headers: { 'cache-control': 'no-store' } });
    expect(JSON.stringify(answer.body)).not.toMatch(/OpenSSL|srv|etc|reason|path/);
  });

  it("maps the page's copy of the error class as well", () => {
    expect(errorResponse(new PageError('PIN_LOCKED')).status).toBe(423);
  });

  it.each([
    ['a JSON syntax error from a body parser', Object.assign(new SyntaxError('Unexpected token } in JSON at position 7'), { status: 400, expose: true }), 400],
    ['a body too large', Object.assign(new Error('request entity too large'), { statusCode: 413 }), 413],
    ['an unsupported media type', Object.assign(new Error('Unsupported Media Type: text/plain'), { statusCode: 415 }), 415],
    ['another client error', Object.assign(new Error('I am a teapot'), { status: 418 }), 418],
  ])('keeps the status of %s, with a fixed message', (_, error, status) => {
    const answer = errorResponse(error);
    expect(answer).toMatchObject({ status, unexpected: false });
    expect(JSON.stringify(answer.body)).not.toContain(error.message);
    expect(answer.body.error.message['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
  });

  it.each([
    ['a plain error', new Error('SQLITE_BUSY: /var/lib/portal/yizheng.sqlite')],
    ['a server status', Object.assign(new Error('bad gateway at 10.0.0.7'), { status: 502 })],
    ['a client status marked not to expose', Object.assign(new Error('secret'), { status: 401, expose: false })],
    ['a string', 'password=hunter2'],
    ['null', null],
    ['a look-alike without the error name', Object.assign(new Error('x'), { code: 'NOT_BOUND' })],
  ])('answers %s with 500 and nothing of it', (_, error) => {
    const answer = errorResponse(error);
    expect(answer).toMatchObject({ status: 500, unexpected: true, body: { error: { message: { en: 'Internal server error; try again later.' } } } });
    expect(Object.keys(answer.body.error)).toEqual(['message']);
  });
});

describe('RECOMMENDED_BODY_LIMIT', () => {
  it('leaves room for the largest token', () => {
    expect(RECOMMENDED_BODY_LIMIT).toBeGreaterThan(MAX_TOKEN_BYTES);
  });
});

describe('errorResponse with menu names', () => {
  it("names the platform's menus in the remedy of any Yizheng error, and the defaults without them", () => {
    const menus = { bind: { 'zh-CN': '关联数字证书', en: 'Link certificate' } };
    const plain = errorResponse(new YizhengError('NOT_BOUND', { provider: 'bjca', serialNumber: '01' }));
    expect(JSON.stringify(plain.body)).toContain('【证书绑定】');
    const answer = errorResponse(new YizhengError('NOT_BOUND', { provider: 'bjca', serialNumber: '01' }), { menus });
    const error = answer.body.error as { remedy: Record<string, string> };
    expect(error.remedy['zh-CN']).toContain('【关联数字证书】');
    expect(error.remedy['en']).toContain("'Link certificate'");
    expect(JSON.stringify(answer.body)).not.toContain('{menu');
  });
});
