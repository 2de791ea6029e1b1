import { describe, expect, it } from 'vitest';
import { YizhengError as PageError } from '../client/errors';
import { ERROR_CODES, ERROR_HTTP_STATUS, YizhengError, httpStatusOf } from './index';

describe('HTTP statuses', () => {
  it('gives every code a client or server error status', () => {
    expect(Object.keys(ERROR_HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      const status = ERROR_HTTP_STATUS[code];
      expect(Number.isInteger(status), code).toBe(true);
      expect(status >= 400 && status <= 599, `${code}: ${status}`).toBe(true);
    }
  });

  it('answers as a platform would for the login and binding failures', () => {
    expect(
      Object.fromEntries(
        (['INVALID_ARGUMENT', 'SIGNATURE_INVALID', 'NOT_BOUND', 'BIND_FORBIDDEN', 'ALREADY_BOUND', 'INPUT_TOO_LARGE', 'ENTERPRISE_CODE_UNDECIDED', 'REVOCATION_UNAVAILABLE', 'INTERNAL_ERROR'] as const).map((c) => [c, ERROR_HTTP_STATUS[c]]),
      ),
    ).toEqual({
      INVALID_ARGUMENT: 400,
      SIGNATURE_INVALID: 401,
      NOT_BOUND: 401,
      BIND_FORBIDDEN: 403,
      ALREADY_BOUND: 409,
      INPUT_TOO_LARGE: 413,
      ENTERPRISE_CODE_UNDECIDED: 422,
      REVOCATION_UNAVAILABLE: 503,
      INTERNAL_ERROR: 500,
    });
  });

  it('is on the error, and httpStatusOf reads any Yizheng error (500 for anything else)', () => {
    const err = new YizhengError('CHALLENGE_EXPIRED', { purpose: 'login', expiresAt: '2026-01-01T00:00:00.000Z' });
    expect(err.httpStatus).toBe(401);
    expect(httpStatusOf(err)).toBe(401);
    // The page's class, and a server error turned into JSON and back: no getter, but the code is known.
    expect(httpStatusOf(new PageError('PIN_LOCKED', {}))).toBe(423);
    expect(httpStatusOf(Object.assign(new Error('x'), { name: 'YizhengError', code: 'BIND_FORBIDDEN' }))).toBe(403);
    expect(httpStatusOf(Object.assign(new Error('x'), { name: 'YizhengError', code: 'SOME_FUTURE_CODE' }))).toBe(500);
    expect(httpStatusOf(new TypeError('defect'))).toBe(500);
    expect(httpStatusOf({ code: 'NOT_BOUND' })).toBe(500);
    expect(httpStatusOf(undefined)).toBe(500);
  });

  it('keeps the statuses out of JSON', () => {
    const json = JSON.parse(JSON.stringify(new YizhengError('BINDING_NOT_FOUND', { bindingId: 'b1' }))) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(['code', 'details', 'message', 'remedy']);
  });
});

describe('instanceof YizhengError', () => {
  it('accepts an error of another copy of the package by its brand, and a subclass checks as usual', () => {
    // What another copy's error looks like: its own class, the same registered brand.
    class OtherCopy extends Error {}
    Object.defineProperty(OtherCopy.prototype, Symbol.for('yizheng.error'), { value: true });
    expect(new OtherCopy() instanceof YizhengError).toBe(true);
    expect(new YizhengError('INTERNAL_ERROR', { reason: 'x' }) instanceof YizhengError).toBe(true);
    expect(new PageError('USER_CANCELLED') instanceof YizhengError).toBe(false);
    expect(Object.assign(new Error('x'), { name: 'YizhengError', code: 'NOT_BOUND' }) instanceof YizhengError).toBe(false);
    expect((null as unknown) instanceof YizhengError).toBe(false);

    class Special extends YizhengError<'INVALID_ARGUMENT'> {}
    const special = new Special('INVALID_ARGUMENT', { reason: 'x' });
    expect(special instanceof Special).toBe(true);
    expect(special instanceof YizhengError).toBe(true);
    expect(new YizhengError('INVALID_ARGUMENT', { reason: 'x' }) instanceof Special).toBe(false);
    expect(new OtherCopy() instanceof Special).toBe(false);
  });
});
