/**
 * Every code in the catalogue is produced by real code through a public path. Adding a code without a
 * producer here fails this test, so the catalogue cannot fill up with codes nothing throws.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../cert/index';
import { nodeIo } from '../cli/node-io';
import { runCli } from '../cli/run';
import { assertSameEnterprise, parseEnterpriseCode } from '../codes/index';
import { assertSignature, verifySignature } from '../crypto/index';
import { assessExpiry } from '../expiry/index';
import { assertMayActFor, authorize, bindCertificate, unbindCertificate } from '../binding/index';
import { deriveIdentityKey } from '../identity/key';
import { consumeChallenge, issueChallenge } from '../challenge/challenge';
import { parseLoginToken } from '../token/parse';
import { verifyLogin } from '../login/index';
import { createHttpHandlers } from '../http/index';
import { createYizheng } from '../instance/create-yizheng';
import { fakeClock, issueEnterpriseCertificate, makeCa, makeContext, ORIGIN, signedToken } from '../../test-utils/login-support';
import { createProviderRegistry } from '../providers/index';
import { createMemoryStores } from '../stores/index';
import { sameIdentityBinding } from '../stores/contract';
import { createQrCodeDriver, createSofJsonDriver, signChallenge, sofErrorToClientError } from '../client/index';
import { createSoftwareToken, type SoftwareTokenOptions } from '../software-token/index';
import { createTestCa, issueCertificate, issueCrl, privateKeyToPem, utf8Extension } from '../testing/index';
import { createTrustStore, validateCertificatePath } from '../trust/index';
import { openEnvelope, sealEnvelope, sm2Decrypt, sm2Encrypt } from '../envelope/index';
import { ERROR_CODES, isYizhengError, type YizhengErrorCode } from './index';
// The PKCS#11 bridge's codes, produced through its server over the fault-injecting module.
import { BRIDGE_PRODUCERS } from '../../../pkcs11-bridge/src/testing/producers';

/** Two SM2 encryption certificates and an envelope sealed to the first, for the envelope codes. */
function envelopeCase() {
  const ca = createTestCa({ keyAlgorithm: 'sm2' });
  const [a, b] = [1, 2].map((i) => issueCertificate({ subject: `CN=投标人${i}`, issuer: ca, keyUsage: ['keyEncipherment', 'dataEncipherment'] }));
  if (a === undefined || b === undefined) throw new Error('unreachable');
  return { a, b, envelope: sealEnvelope({ content: new TextEncoder().encode('报价'), recipients: [a.certificate] }) };
}

const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecSpki = ecKey.publicKey.export({ type: 'spki', format: 'der' });

/** A root, and a leaf under it with the given validity and revocation URLs, for the path codes. */
function pathCase(leaf: { notBefore?: Date; notAfter?: Date; crl?: boolean } = {}) {
  const root = createTestCa({ subject: 'CN=Producer Root' });
  const cert = issueCertificate({
    subject: 'CN=张三',
    issuer: root,
    ...(leaf.notBefore && { notBefore: leaf.notBefore }),
    ...(leaf.notAfter && { notAfter: leaf.notAfter }),
    ...(leaf.crl && { crlDistributionPoints: ['http://crl.example.cn/root.crl'] }),
  });
  return { root, cert, trustStore: createTrustStore(root.certificate) };
}

/** A software token over a fresh test certificate (`cert-1`, PIN 123456): the page-side client codes. */
async function softToken(options: Partial<SoftwareTokenOptions> = {}) {
  const cert = issueCertificate({ subject: 'CN=张三', issuer: createTestCa() });
  return createSoftwareToken({ certificates: [{ certificate: cert.pem, privateKey: privateKeyToPem(cert.key) }], ...options });
}

/** A SOF-over-JSON driver whose client answers `body` to everything (or is not running). */
function sofDriver(body?: string) {
  const fetch = body === undefined ? undefined : async () => new Response(body);
  return createSofJsonDriver({ url: 'http://127.0.0.1:1/sof', id: 'test', client: '测试客户端', ...(fetch && { fetch }) });
}

/** Each producer either throws the YizhengError or returns the code it observed (for the CLI's output). */
const PRODUCERS: Record<YizhengErrorCode, () => unknown> = {
  INVALID_ARGUMENT: () => assessExpiry({ notBefore: new Date(0), notAfter: new Date(1) }, { thresholds: [-1] }),
  CERT_MALFORMED: () => parseCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'),
  CODE_INVALID: () => parseEnterpriseCode('91350200556207664C'),
  ENTERPRISE_CODE_MISMATCH: () =>
    assertSameEnterprise({ certificateCode: '91350200556207664B', accountCode: '91110108551385082Q' }),
  ENTERPRISE_CODE_UNDECIDED: () =>
    assertSameEnterprise({ certificateCode: '110108000000016', accountCode: '55620766-4' }),
  INPUT_TOO_LARGE: () => {
    const file = join(mkdtempSync(join(tmpdir(), 'yizheng-')), 'big');
    writeFileSync(file, Buffer.alloc(100));
    return nodeIo.readFile(file, 10);
  },
  FILE_UNREADABLE: () => nodeIo.readFile('/nonexistent/yizheng', 10),
  SIGNATURE_MALFORMED: () => verifySignature({ publicKey: ecSpki, data: 'challenge', signature: Uint8Array.of(1, 2, 3) }),
  ENVELOPE_MALFORMED: () => {
    const { a } = envelopeCase();
    return openEnvelope({ envelope: Uint8Array.of(0x30, 0x03, 0x06, 0x01, 0x00), privateKey: privateKeyToPem(a.key), certificate: a.certificate });
  },
  ENVELOPE_NOT_FOR_THIS_KEY: () => {
    const { b, envelope } = envelopeCase();
    return openEnvelope({ envelope, privateKey: privateKeyToPem(b.key), certificate: b.certificate });
  },
  ENVELOPE_DECRYPT_FAILED: () => {
    const { a } = envelopeCase();
    if (a.certificate.publicKey.algorithm !== 'sm2') throw new Error('unreachable');
    // Encrypted to one key, decrypted with another: the SM2 C3 hash does not verify.
    return sm2Decrypt(new Uint8Array(32).fill(7), sm2Encrypt(a.certificate.publicKey.point, Uint8Array.of(1, 2, 3)));
  },
  SIGNATURE_INVALID: () =>
    assertSignature({ publicKey: ecSpki, data: 'challenge', signature: sign('sha256', Buffer.from('other'), ecKey.privateKey) }),
  ALREADY_BOUND: async () => {
    const stores = createMemoryStores();
    const binding = sameIdentityBinding('bjca', 'a1');
    await stores.bindings.insert(binding);
    await stores.bindings.insert({ ...binding, accountId: 'a2', boundBy: 'a2' });
  },
  BINDING_CHANGED: async () => {
    const stores = createMemoryStores();
    const b = await stores.bindings.insert(sameIdentityBinding('bjca', 'a1'));
    await stores.bindings.updateCertificateFacts(b.id, { ...b.certificate, serialNumber: '02' }, 'FF');
  },
  ORDER_TRANSITION_INVALID: async () => {
    const stores = createMemoryStores();
    const order = await stores.orders.create({ kind: 'renewal', accountId: 'a1', organizationId: 'o1' });
    // A renewal must be paid (已续费) before it can be extended.
    await stores.orders.transition(order.id, { event: 'extend', expectedState: 'created' });
  },
  ORDER_CHANGED: async () => {
    const stores = createMemoryStores();
    const order = await stores.orders.create({ kind: 'renewal', accountId: 'a1', organizationId: 'o1' });
    await stores.orders.transition(order.id, { event: 'pay', expectedState: 'created' });
    await stores.orders.transition(order.id, { event: 'cancel', expectedState: 'created' });
  },
  CERT_UNTRUSTED: () => validateCertificatePath(pathCase().cert.certificate, { trustStore: createTrustStore(createTestCa().certificate) }),
  CERT_EXPIRED: () => {
    const p = pathCase({ notBefore: new Date(Date.now() - 20 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    return validateCertificatePath(p.cert.certificate, { trustStore: p.trustStore });
  },
  CERT_NOT_YET_VALID: () => {
    const p = pathCase({ notBefore: new Date(Date.now() + 86_400_000) });
    return validateCertificatePath(p.cert.certificate, { trustStore: p.trustStore });
  },
  CERT_REVOKED: () => {
    const p = pathCase({ crl: true });
    const crl = issueCrl({ issuer: p.root, revoked: [{ serialNumber: p.cert.certificate }] });
    return validateCertificatePath(p.cert.certificate, { trustStore: p.trustStore, revocation: { methods: ['crl'], crls: [crl.der] } });
  },
  REVOCATION_UNAVAILABLE: () => {
    const p = pathCase({ crl: true });
    const fetch = async (): Promise<Response> => new Response('unavailable', { status: 503 });
    return validateCertificatePath(p.cert.certificate, { trustStore: p.trustStore, revocation: { policy: 'require', fetch } });
  },
  TOKEN_MALFORMED: () => parseLoginToken('{"format":"yizheng:0"}'),
  CHALLENGE_NOT_FOUND: () => consumeChallenge('no-such-session', 'login', ORIGIN, { stores: createMemoryStores() }),
  CHALLENGE_EXPIRED: async () => {
    const clock = fakeClock();
    const context = { stores: createMemoryStores(), clock: clock.now };
    await issueChallenge({ sessionId: 's', origin: ORIGIN, purpose: 'login' }, context);
    clock.advance(6 * 60_000);
    return consumeChallenge('s', 'login', ORIGIN, context);
  },
  PROVIDER_UNKNOWN: () => createProviderRegistry([]).identify(pathCase().cert.certificate, 'no-such-ca'),
  CERT_WRONG_PURPOSE: async () => {
    const ca = makeCa();
    const context = makeContext([ca], fakeClock().now);
    const encryption = issueEnterpriseCertificate(ca, { keyUsage: ['keyEncipherment'] });
    return verifyLogin(await signedToken(encryption, context), { sessionId: 'session-1', origin: ORIGIN }, context);
  },
  IDENTITY_NOT_FOUND: () => deriveIdentityKey('generic', { entityName: undefined, source: {} }, pathCase().cert.certificate),
  CERT_SUPERSEDED: async () => {
    const ca = makeCa();
    const clock = fakeClock();
    const context = makeContext([ca], clock.now);
    const now = clock.now().getTime();
    const older = issueEnterpriseCertificate(ca, { notBefore: new Date(now - 10 * 86_400_000), notAfter: new Date(now + 300 * 86_400_000) });
    // The same holder renewed onto the same key: the older certificate may not take the binding back.
    const newer = issueEnterpriseCertificate(ca, { key: older.key, notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 300 * 86_400_000) });
    const actor = { accountId: 'a', organizationId: 'o', isAdmin: false };
    await bindCertificate({ sessionId: 'session-1', origin: ORIGIN, actor, target: { ...actor, enterpriseCode: '91350200556207664B' }, token: await signedToken(newer, context, { purpose: 'bind' }) }, context);
    return verifyLogin(await signedToken(older, context), { sessionId: 'session-1', origin: ORIGIN }, context);
  },
  ENTERPRISE_CODE_CONFLICT: async () => {
    const ca = makeCa();
    const context = makeContext([ca], fakeClock().now);
    // The GM/T 0015 2023 USCC of one company and the 2012 organisation code of another.
    const torn = issueEnterpriseCertificate(ca, { extensions: [utf8Extension('1.2.156.10260.4.4', '91110108551385082Q')] });
    return verifyLogin(await signedToken(torn, context), { sessionId: 'session-1', origin: ORIGIN }, context);
  },
  NOT_BOUND: async () => {
    const ca = makeCa();
    const context = makeContext([ca], fakeClock().now);
    return verifyLogin(await signedToken(issueEnterpriseCertificate(ca), context), { sessionId: 'session-1', origin: ORIGIN }, context);
  },
  BIND_FORBIDDEN: () =>
    assertMayActFor({ accountId: 'a', organizationId: 'o', isAdmin: false }, { accountId: 'b', organizationId: 'o' }),
  BINDING_NOT_FOUND: () =>
    unbindCertificate({ actor: { accountId: 'a', organizationId: 'o', isAdmin: true }, bindingId: 'none' }, makeContext([makeCa()], fakeClock().now)),
  SIGN_IN_REQUIRED: async () => {
    const failure = await createHttpHandlers(createYizheng(makeContext([makeCa()], fakeClock().now)), { origin: ORIGIN, onUnexpectedError: () => undefined }).bindings({ actor: undefined });
    return failure.ok ? 'ok' : (failure.body as { error: { code?: string } }).error.code;
  },
  PERMISSION_DENIED: () => authorize({ method: 'password', accountId: 'a' }, 'bid.submit'),
  ORIGIN_NOT_APPROVED: BRIDGE_PRODUCERS.ORIGIN_NOT_APPROVED,
  HOST_NOT_ALLOWED: BRIDGE_PRODUCERS.HOST_NOT_ALLOWED,
  BRIDGE_RATE_LIMITED: BRIDGE_PRODUCERS.BRIDGE_RATE_LIMITED,
  SIGN_TEXT_REFUSED: BRIDGE_PRODUCERS.SIGN_TEXT_REFUSED,
  TOKEN_LOGIN_REQUIRED: BRIDGE_PRODUCERS.TOKEN_LOGIN_REQUIRED,
  PIN_REJECTED: BRIDGE_PRODUCERS.PIN_REJECTED,
  PIN_FINAL_TRY: BRIDGE_PRODUCERS.PIN_FINAL_TRY,
  CLIENT_NOT_RUNNING: () => sofDriver().listCertificates(),
  CLIENT_PROTOCOL_ERROR: () => sofDriver('<html>').listCertificates(),
  CLIENT_REPORTED_ERROR: () => {
    throw sofErrorToClientError(0x0b000409, 'SOF_SignData', { text: '签名失败' });
  },
  TOKEN_NOT_PRESENT: async () => {
    const token = await softToken();
    token.remove();
    return token.login('cert-1', '123456');
  },
  CERT_NOT_FOUND: async () => signChallenge(await softToken(), 'no-such-certificate', 'yizheng:1|login|x'),
  PIN_INCORRECT: async () => (await softToken()).login('cert-1', '000000'),
  PIN_LOCKED: async () => (await softToken({ maxTries: 1 })).login('cert-1', '000000'),
  PIN_LEN_RANGE: async () => (await softToken()).login('cert-1', '1'),
  PIN_MUST_CHANGE: async () => (await softToken({ mustChange: true })).login('cert-1', '1234'),
  DEVICE_REMOVED: async () => {
    const token = await softToken({ requireLogin: false, confirm: () => (token.remove(), true) });
    return token.sign('cert-1', 'yizheng:1|login|x');
  },
  USER_CANCELLED: async () => (await softToken({ requireLogin: false, confirm: () => false })).sign('cert-1', 'yizheng:1|login|x'),
  MECHANISM_UNSUPPORTED: () => sofDriver(JSON.stringify({ code: 0x0b000007, result: null })).listCertificates(),
  QR_CODE_EXPIRED: () =>
    createQrCodeDriver({
      id: 'mobile',
      endpoint: 'http://127.0.0.1:1',
      service: '测试移动证书服务',
      onQrCode: () => undefined,
      fetch: async (url) => new Response(JSON.stringify(url.endsWith('/sessions') ? { sessionId: 's1', qrCode: 'qr' } : { status: 'expired' })),
    }).listCertificates(),
  INTERNAL_ERROR: async () => {
    let err = '';
    await runCli(['--version'], {
      ...nodeIo,
      stdout: () => {
        throw new RangeError('simulated defect');
      },
      stderr: (t) => void (err += t),
    });
    return /\[([A-Z_]+)\]/.exec(err)?.[1];
  },
};

describe('error catalogue', () => {
  it('has a producer for exactly the catalogued codes', () => {
    expect(Object.keys(PRODUCERS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each(ERROR_CODES)('%s is produced by its public path', async (code) => {
    let observed: unknown;
    try {
      observed = await PRODUCERS[code]();
    } catch (err) {
      if (!isYizhengError(err)) throw err;
      observed = err.code;
    }
    expect(observed).toBe(code);
  });
});
