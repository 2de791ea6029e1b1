import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../cert/index';
import { localizeError } from '../context/localize';
import { isYizhengError } from '../errors/index';
import { createGenericProvider } from '../providers/index';
import { issueCertificate } from '../testing/index';
import { makeCa } from '../../test-utils/login-support';
import { resolveIdentity } from './cache';

describe('resolveIdentity', () => {
  it('hands each caller its own IDENTITY_NOT_FOUND: relocalizing one request\'s error leaves another\'s alone', () => {
    const ca = makeCa();
    const certificate = parseCertificate(issueCertificate({ subject: 'CN=张三, C=CN', issuer: ca }).pem);
    const provider = createGenericProvider();
    const first = resolveIdentity(provider, certificate).identityKey;
    const second = resolveIdentity(provider, certificate).identityKey;
    expect(isYizhengError(first, 'IDENTITY_NOT_FOUND')).toBe(true);
    expect(isYizhengError(second, 'IDENTITY_NOT_FOUND')).toBe(true);
    expect(second).not.toBe(first);
    const zh = (second as Error).message;
    localizeError(first, 'en');
    expect((second as Error).message).toBe(zh);
    expect((resolveIdentity(provider, certificate).identityKey as Error).message).toBe(zh);
  });
});
