import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { bindCertificate } from '../binding/index';
import { signChallenge, type PageLoginToken } from '../client/index';
import { verifySignature } from '../crypto/index';
import { issueChallenge } from '../challenge/challenge';
import { ORIGIN, USCC, fakeClock, makeCa, makeContext } from '../../test-utils/login-support';
import { verifyLogin } from '../login/verify-login';
import { cachedTestKey, certificateToPem, createTestCa, issueCertificate, issueCertificatePair, privateKeyToPem, type TestCertificate, type TestKeyAlgorithm } from '../testing/index';
import { createSoftwareToken, type SoftwareSignatureFormat, type SoftwareTokenOptions } from './index';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

function tokenFor(cert: TestCertificate, extra: Partial<SoftwareTokenOptions> = {}) {
  return createSoftwareToken({ certificates: [{ certificate: cert.pem, privateKey: privateKeyToPem(cert.key) }], ...extra });
}

describe('software token', () => {
  const leaves = new Map<TestKeyAlgorithm, TestCertificate>();
  beforeAll(() => {
    for (const alg of ['ec', 'rsa', 'sm2'] as const) {
      const ca = createTestCa({ subject: `CN=Soft ${alg} CA`, keyAlgorithm: alg });
      leaves.set(alg, issueCertificate({ subject: 'CN=张三, O=示例公司', issuer: ca }));
    }
  });
  const leaf = (alg: TestKeyAlgorithm): TestCertificate => {
    const cert = leaves.get(alg);
    if (!cert) throw new Error(alg);
    return cert;
  };

  it.each([
    ['ec', 'raw'],
    ['ec', 'der'],
    ['ec', 'cms'],
    ['rsa', 'raw'],
    ['rsa', 'cms'],
    ['sm2', 'raw'],
    ['sm2', 'der'],
    ['sm2', 'cms'],
  ] as const)('signs with a %s key as %s, and the server verifies it', async (alg, format: SoftwareSignatureFormat) => {
    const token = await tokenFor(leaf(alg), { signatureFormat: format, provider: 'testca' });
    const [cert] = await token.listCertificates();
    expect(cert).toMatchObject({ id: 'cert-1', label: '张三', provider: 'testca', keyId: 'SOFT-0001' });
    await token.login('cert-1', '123456');
    const text = 'yizheng:1|login|https://bid.example.gov.cn|nonce|2026-06-01T08:05:00.000Z';
    const signature = await token.sign('cert-1', text);
    expect(signature.format).toBe(alg === 'rsa' && format === 'der' ? 'raw' : format);
    expect(verifySignature({ certificate: cert?.certificate, data: text, signature: signature.signature, format: signature.format })).toBe(true);
    expect(verifySignature({ certificate: cert?.certificate, data: `${text}x`, signature: signature.signature, format: signature.format })).toBe(false);
  });

  it("produces tokens the server's verifyLogin accepts (bind, then log in), for each key type", async () => {
    for (const alg of ['ec', 'rsa', 'sm2'] as const) {
      const ca = makeCa(`Login ${alg} CA`, alg);
      const pair = issueCertificatePair({
        subject: 'CN=张三, O=厦门帝网信息科技有限公司, C=CN',
        issuer: ca,
        extensions: [{ oid: '1.2.156.10260.4.1.4', critical: false, value: utf8(USCC) }],
      });
      const context = makeContext([ca], fakeClock().now);
      const token = await createSoftwareToken({
        certificates: [{ certificate: certificateToPem(pair.signing.der), privateKey: privateKeyToPem(pair.signing.key), encryptionCertificate: pair.encryption.pem }],
        signatureFormat: alg === 'sm2' ? 'der' : 'raw',
      });
      const [cert] = await token.listCertificates();
      if (!cert) throw new Error('no certificate');
      expect(cert.encryptionCertificate).toBe(Buffer.from(pair.encryption.der).toString('base64'));
      await token.login(cert.id, '123456');
      const session = { sessionId: `s-${alg}`, origin: ORIGIN };
      const sign = async (purpose: 'login' | 'bind'): Promise<PageLoginToken> => {
        const challenge = await issueChallenge({ ...session, purpose }, context);
        // The page side: exactly what a login page does with the challenge text.
        return signChallenge(token, cert, challenge.text);
      };
      await bindCertificate(
        {
          ...session,
          actor: { accountId: 'acct-1', organizationId: 'org-1', isAdmin: false },
          target: { accountId: 'acct-1', organizationId: 'org-1', enterpriseCode: USCC },
          token: await sign('bind'),
        },
        context,
      );
      const result = await verifyLogin(await sign('login'), session, context);
      expect(result.account.id).toBe('acct-1');
      expect(result.certificate.publicKey.algorithm).toBe(alg === 'ec' ? 'ec' : alg);
    }
  });

  it('counts wrong PINs, says how many tries are left, and locks at the last one', async () => {
    const token = await tokenFor(leaf('ec'), { maxTries: 3 });
    const wrong = async () => {
      try {
        await token.login('cert-1', '000000');
      } catch (error) {
        const e = error as { code: string; details: Record<string, unknown>; message: string };
        return [e.code, e.details['remaining'], e.details['finalTry'], e.message];
      }
      return ['no error'];
    };
    expect(await wrong()).toEqual(['PIN_INCORRECT', 2, false, '校验失败，UKey密码错误。还有2次机会。']);
    expect(await wrong()).toEqual(['PIN_INCORRECT', 1, true, '校验失败，UKey密码错误。还有1次机会，再次输错将锁死UKey。']);
    expect(await wrong()).toEqual(['PIN_LOCKED', 0, false, '密码已被锁死，UKey暂时无法使用。']);
    expect(await codeOf(token.login('cert-1', '123456'))).toBe('PIN_LOCKED');
    expect((await token.getPinStatus('cert-1')).locked).toBe(true);
  });

  it('resets the counter on a right PIN; checks the length without counting a try', async () => {
    const token = await tokenFor(leaf('ec'), { maxTries: 3 });
    expect(await codeOf(token.login('cert-1', '000000'))).toBe('PIN_INCORRECT');
    expect(await codeOf(token.login('cert-1', '12'))).toBe('PIN_LEN_RANGE');
    expect((await token.getPinStatus('cert-1')).remaining).toBe(2);
    await token.login('cert-1', '123456');
    expect(await token.getPinStatus('cert-1')).toEqual({ remaining: 3, source: 'exact', finalTry: false, locked: false, mustChange: false });
  });

  it('makes a default PIN be changed first (seed 002)', async () => {
    const token = await tokenFor(leaf('ec'), { mustChange: true });
    expect((await token.getPinStatus('cert-1')).mustChange).toBe(true);
    expect(await codeOf(token.login('cert-1', '1234'))).toBe('PIN_MUST_CHANGE');
    expect(await codeOf(token.sign('cert-1', 'text'))).toBe('PIN_MUST_CHANGE');
    expect(await codeOf(token.changePin('cert-1', '1234', '1234'))).toBe('PIN_REJECTED');
    expect(await codeOf(token.changePin('cert-1', '9999', '246810'))).toBe('PIN_INCORRECT');
    await token.changePin('cert-1', '1234', '246810');
    await token.login('cert-1', '246810');
    expect((await token.sign('cert-1', 'text')).format).toBe('raw');
  });

  it('needs a login to sign, and the user may cancel the confirmation', async () => {
    let answer = false;
    const token = await tokenFor(leaf('ec'), { confirm: () => answer });
    expect(await codeOf(token.sign('cert-1', 'text'))).toBe('TOKEN_LOGIN_REQUIRED');
    await token.login('cert-1', '123456');
    expect(await codeOf(token.sign('cert-1', 'text'))).toBe('USER_CANCELLED');
    answer = true;
    expect(await codeOf(token.sign('cert-1', 'text'))).toBe('no error');
    await token.logout('cert-1');
    expect(await codeOf(token.sign('cert-1', 'text'))).toBe('TOKEN_LOGIN_REQUIRED');
    expect(await codeOf(token.sign('nope', 'text'))).toBe('CERT_NOT_FOUND');
    const aborted = AbortSignal.abort();
    expect(await codeOf(token.login('cert-1', '123456', { signal: aborted }))).toBe('USER_CANCELLED');
  });

  it('is removed and inserted: events, TOKEN_NOT_PRESENT, and DEVICE_REMOVED for an operation in flight', async () => {
    const events: string[] = [];
    let pull = false;
    const token = await tokenFor(leaf('ec'), {
      confirm: () => {
        if (pull) token.remove();
        return true;
      },
    });
    token.onEvent((e) => events.push(e.type));
    await token.login('cert-1', '123456');
    pull = true;
    expect(await codeOf(token.sign('cert-1', 'text'))).toBe('DEVICE_REMOVED');
    expect(token.present).toBe(false);
    expect(await token.listCertificates()).toEqual([]);
    expect(await codeOf(token.login('cert-1', '123456'))).toBe('TOKEN_NOT_PRESENT');
    pull = false;
    token.insert();
    expect(await codeOf(token.sign('cert-1', 'text'))).toBe('TOKEN_LOGIN_REQUIRED');
    expect(events).toEqual(['removed', 'inserted']);
  });

  it("refuses keys it cannot sign with, and a key that is not the certificate's", async () => {
    const ed = generateKeyPairSync('ed25519');
    const spki = new Uint8Array(ed.publicKey.export({ type: 'spki', format: 'der' }));
    const base = cachedTestKey('ec', 'ed25519-holder');
    const edCert = issueCertificate({ subject: 'CN=ed', issuer: createTestCa(), key: { ...base, spki, publicKeyBits: spki.slice(12) } });
    const edKey = ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const unsupported = createSoftwareToken({ certificates: [{ certificate: edCert.pem, privateKey: edKey }] });
    await expect(unsupported).rejects.toMatchObject({ code: 'MECHANISM_UNSUPPORTED', details: { mechanism: '1.3.101.112' } });
    const other = issueCertificate({ subject: 'CN=other', issuer: createTestCa() });
    expect(await codeOf(createSoftwareToken({ certificates: [{ certificate: other.pem, privateKey: privateKeyToPem(leaf('ec').key) }] }))).toMatch(/does not match/);
    const sm2Other = issueCertificate({ subject: 'CN=other', issuer: createTestCa({ keyAlgorithm: 'sm2' }) });
    expect(await codeOf(createSoftwareToken({ certificates: [{ certificate: sm2Other.pem, privateKey: privateKeyToPem(leaf('sm2').key) }] }))).toMatch(/does not match/);
    expect(await codeOf(createSoftwareToken({ certificates: [{ certificate: 'garbage!', privateKey: 'x' }] }))).toMatch(/not PEM or base64/);
    expect(await codeOf(createSoftwareToken({ certificates: [{ certificate: other.pem, privateKey: privateKeyToPem(leaf('rsa').key) }] }))).toMatch(/not a PKCS#8/);
  });
});

function utf8(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  return Uint8Array.of(0x0c, bytes.length, ...bytes);
}
