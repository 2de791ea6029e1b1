/**
 * Typed details: what the type checker enforces (these run under `pnpm typecheck`; the `it`s only
 * make the file a test).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CertificatePurpose } from '../cert/certificate';
import { YizhengError as PageError, isYizhengError as isPageError } from '../client/errors';
import type { PinStatus } from '../client/token-driver';
import type { IdentityConflict } from '../providers/contract';
import type { ChallengePurpose } from '../stores/types';
import type { CrlReason } from '../trust/crl';
import type { RevocationPolicy } from '../trust/revocation';
import { YizhengError, isYizhengError, type ErrorDetailsMap, type YizhengErrorCode } from './index';

describe('typed details', () => {
  it('types each code’s details, checked at construction', () => {
    const err = new YizhengError('CERT_EXPIRED', {
      subject: 'CN=张三',
      issuer: 'CN=CA',
      serialNumber: '01',
      sha256: 'ab',
      position: 0,
      reason: '证书已过期',
      reasonEn: 'expired',
      notAfter: '2026-01-01T00:00:00.000Z',
    });
    expectTypeOf(err).toEqualTypeOf<YizhengError<'CERT_EXPIRED'>>();
    expectTypeOf(err.code).toEqualTypeOf<'CERT_EXPIRED'>();
    expectTypeOf(err.details.notAfter).toEqualTypeOf<string>();
    expectTypeOf(err.details.position).toEqualTypeOf<number>();
    expectTypeOf(err.details.at).toEqualTypeOf<string | undefined>();
    expectTypeOf(err.httpStatus).toEqualTypeOf<401>();
    expect(err.details.notAfter).toBe('2026-01-01T00:00:00.000Z');

    // @ts-expect-error: CERT_EXPIRED needs its certificate and notAfter.
    void new YizhengError('CERT_EXPIRED', { reason: 'x' });
    // @ts-expect-error: the details of a code with required fields are required.
    void new YizhengError('NOT_BOUND');
    // @ts-expect-error: a field the code does not have.
    void new YizhengError('BINDING_NOT_FOUND', { bindingId: 'b', accountId: 'a' });
    // @ts-expect-error: reasons are a closed set where the catalogue has texts for them.
    void new YizhengError('NOT_BOUND', { provider: 'bjca', serialNumber: '01', reason: 'renewed' });
    // @ts-expect-error: a wrong type.
    void new YizhengError('INPUT_TOO_LARGE', { what: 'signature', limit: '1 MiB' });
    // A code whose details are all optional needs none.
    void new YizhengError('USER_CANCELLED');
    void new YizhengError('NOT_BOUND', { provider: 'bjca', serialNumber: '01', reason: 'renewed-with-new-key' });
  });

  it('narrows with isYizhengError(value, code); without a code any field reads as unknown', () => {
    const caught: unknown = new YizhengError('PIN_INCORRECT', { retriesZh: '还有2次机会。', retriesEn: '2 tries left.', remaining: 2, source: 'exact' });
    if (isYizhengError(caught, 'PIN_INCORRECT')) {
      expectTypeOf(caught).toEqualTypeOf<YizhengError<'PIN_INCORRECT'>>();
      expectTypeOf(caught.details.remaining).toEqualTypeOf<number | null | undefined>();
      expectTypeOf(caught.details.retriesZh).toEqualTypeOf<string>();
      expect(caught.details.remaining).toBe(2);
    }
    if (isYizhengError(caught)) {
      expectTypeOf(caught.code).toEqualTypeOf<YizhengErrorCode>();
      expectTypeOf(caught.details['remaining']).toEqualTypeOf<unknown>();
      // A narrowed error is still a YizhengError.
      expectTypeOf<YizhengError<'PIN_INCORRECT'>>().toExtend<YizhengError>();
    }
    if (caught instanceof YizhengError) expectTypeOf(caught).toEqualTypeOf<YizhengError>();
    expect.assertions(1);
  });

  it('types the page-side errors too', () => {
    const err = new PageError('CLIENT_NOT_RUNNING', { client: 'BJCA', reason: 'host-missing' });
    expectTypeOf(err.details.reason).toEqualTypeOf<'extension-missing' | 'host-missing' | 'browser-unsupported' | undefined>();
    // Checked by the compiler only (the page's catalogue has no NOT_BOUND to build).
    const typeOnly = (): void => {
      // @ts-expect-error: not one of the client's reasons.
      void new PageError('CLIENT_NOT_RUNNING', { client: 'BJCA', reason: 'gone' });
      // @ts-expect-error: the page's class has only the client codes.
      void new PageError('NOT_BOUND', { provider: 'bjca', serialNumber: '01' });
    };
    expectTypeOf(typeOnly).toBeFunction();
    expect(isPageError(err, 'CLIENT_NOT_RUNNING')).toBe(true);
  });

  it('spells the details’ unions as the modules that define them do', () => {
    expectTypeOf<ErrorDetailsMap['CERT_WRONG_PURPOSE']['purpose']>().toEqualTypeOf<CertificatePurpose>();
    expectTypeOf<ErrorDetailsMap['CHALLENGE_EXPIRED']['purpose']>().toEqualTypeOf<ChallengePurpose>();
    expectTypeOf<ErrorDetailsMap['CERT_REVOKED']['crlReason']>().toEqualTypeOf<CrlReason | undefined>();
    expectTypeOf<ErrorDetailsMap['REVOCATION_UNAVAILABLE']['policy']>().toEqualTypeOf<RevocationPolicy>();
    expectTypeOf<NonNullable<ErrorDetailsMap['ENTERPRISE_CODE_CONFLICT']['fields']>[number]>().toEqualTypeOf<IdentityConflict['field']>();
    expectTypeOf<ErrorDetailsMap['PIN_LOCKED']['source']>().toEqualTypeOf<PinStatus['source'] | undefined>();
    // Every catalogued code has a details type, and nothing else does.
    expectTypeOf<keyof ErrorDetailsMap>().toEqualTypeOf<YizhengErrorCode>();
    expect(true).toBe(true);
  });
});
