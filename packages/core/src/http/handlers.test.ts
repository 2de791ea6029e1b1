/**
 * The HTTP helper against a real instance: memory stores, a test CA, certificates on a software token
 * that signs for real, the tokens the page's helpers build.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { signChallenge } from '../client/index';
import { createYizheng, type Yizheng } from '../instance/create-yizheng';
import { YizhengError } from '../errors/index';
import { createSoftwareToken, type SoftwareToken } from '../software-token/index';
import { createMemoryStores } from '../stores/index';
import { createTestCa, issueCertificate, privateKeyToPem, utf8Extension, type TestCertificate } from '../testing/index';
import { createTrustStore } from '../trust/index';
import { createCertificateTrust } from '../trust/certificate-trust';
import { createHttpHandlers, type HttpHandlers } from './index';

const ORIGIN = 'https://bid.example.gov.cn';
const USCC = '91350200556207664B';
const OTHER_USCC = '91110108551385082Q';
const ca = createTestCa({ subject: 'CN=HTTP Test CA, O=一证测试, C=CN', keyAlgorithm: 'ec' });

const zhang = { accountId: 'zhangsan', organizationId: 'org-dimeng', isAdmin: false, enterpriseCode: USCC };
const li = { accountId: 'lisi', organizationId: 'org-dimeng', isAdmin: false, enterpriseCode: USCC };
const admin = { accountId: 'admin', organizationId: 'org-dimeng', isAdmin: true, enterpriseCode: USCC };
const stranger = { accountId: 'wangwu', organizationId: 'org-beijing', isAdmin: true, enterpriseCode: OTHER_USCC };

function enterpriseCertificate(cn: string, options: { uscc?: string; issuer?: TestCertificate } = {}): TestCertificate {
  return issueCertificate({
    subject: `CN=${cn}, O=厦门帝网信息科技有限公司, C=CN`,
    issuer: options.issuer ?? ca,
    keyAlgorithm: 'ec',
    extensions: [utf8Extension('1.2.156.10260.4.1.4', options.uscc ?? USCC)],
  });
}

/** A USB key holding `certificate`, PIN entered. */
async function keyHolding(certificate: TestCertificate): Promise<SoftwareToken> {
  const key = await createSoftwareToken({ certificates: [{ certificate: certificate.pem, privateKey: privateKeyToPem(certificate.key) }] });
  await key.login('cert-1', '123456');
  return key;
}

const zhangKey = await keyHolding(enterpriseCertificate('张三'));
const liKey = await keyHolding(enterpriseCertificate('李四'));

let yizheng: Yizheng;
let http: HttpHandlers;
let reported: unknown[];

beforeEach(() => {
  yizheng = createYizheng({
    stores: createMemoryStores(),
    providers: [],
    trust: createCertificateTrust({ trustStore: createTrustStore(ca.pem), revocation: { policy: 'off' } }),
  });
  reported = [];
  http = createHttpHandlers(yizheng, { origin: ORIGIN, onUnexpectedError: (error) => void reported.push(error) });
});

/** Asks for a challenge as the page does and has `key` sign it: the body the page posts. */
async function signed(key: SoftwareToken, sessionId: string, purpose: 'login' | 'bind', sign = (text: string) => text): Promise<unknown> {
  const answer = await http.challenge({ sessionId, body: { purpose } });
  if (!answer.ok) throw new Error(`challenge failed: ${answer.status}`);
  return JSON.parse(JSON.stringify(await signChallenge(key, 'cert-1', sign(answer.body.text))));
}

async function bindZhang(sessionId = 's-bind'): Promise<string> {
  const answer = await http.bind({ sessionId, body: await signed(zhangKey, sessionId, 'bind'), actor: zhang, target: zhang });
  if (!answer.ok) throw new Error(`bind failed: ${JSON.stringify(answer.body)}`);
  return answer.body.binding.id;
}

/** The status and code of a failure. */
function failure(answer: { ok: boolean; status: number; body: unknown }): { status: number; code: unknown } {
  expect(answer.ok).toBe(false);
  return { status: answer.status, code: (answer.body as { error: { code?: unknown } }).error.code };
}

describe('createHttpHandlers', () => {
  it('issues a challenge as JSON the page helper reads, never cached', async () => {
    const answer = await http.challenge({ sessionId: 's-1', body: { purpose: 'bind' } });
    expect(answer).toMatchObject({ ok: true, status: 200, headers: { 'cache-control': 'no-store' } });
    if (!answer.ok) return;
    expect(Object.keys(answer.body).sort()).toEqual(['expiresAt', 'purpose', 'text']);
    expect(answer.body.text.startsWith(`yizheng:1|bind|${ORIGIN}|`)).toBe(true);
    expect(answer.body.expiresAt).toBe(answer.value.expiresAt.toISOString());
  });

  it.each([
    ['no body', undefined],
    ['an array', [{ purpose: 'login' }]],
    ['a string', 'login'],
    ['no purpose', {}],
    ['another purpose', { purpose: 'logout' }],
    ['an extra field', { purpose: 'login', sessionId: 'theirs' }],
  ])('answers 400 INVALID_ARGUMENT for a challenge body with %s', async (_, body) => {
    expect(failure(await http.challenge({ sessionId: 's-1', body }))).toEqual({ status: 400, code: 'INVALID_ARGUMENT' });
  });

  it('binds (201), logs in (200) with the account, unbinds (200), then refuses login with 401 NOT_BOUND', async () => {
    const bound = await http.bind({ sessionId: 's-1', body: await signed(zhangKey, 's-1', 'bind'), actor: zhang, target: zhang });
    expect(bound).toMatchObject({ ok: true, status: 201, body: { binding: { accountId: 'zhangsan', organizationId: 'org-dimeng', enterpriseCode: USCC } } });
    if (!bound.ok) return;
    // Plain JSON: ISO dates, no store-internal identity key.
    expect(JSON.parse(JSON.stringify(bound.body))).toEqual(bound.body);
    expect(bound.body.binding).not.toHaveProperty('identityKey');
    expect(bound.body.binding.boundAt).toBe(bound.value.boundAt.toISOString());

    const login = await http.login({ sessionId: 's-2', body: await signed(zhangKey, 's-2', 'login') });
    expect(login).toMatchObject({ ok: true, status: 200, body: { method: 'certificate', account: { id: 'zhangsan', organizationId: 'org-dimeng' }, expiry: { state: 'valid' } } });
    if (!login.ok) return;
    expect(login.value.account.id).toBe('zhangsan');
    expect(login.body.binding.id).toBe(bound.body.binding.id);

    const listed = await http.bindings({ actor: zhang });
    expect(listed).toMatchObject({ ok: true, status: 200, body: { bindings: [{ binding: { id: bound.body.binding.id }, expiry: { state: 'valid' } }] } });

    const removed = await http.unbind({ body: { bindingId: bound.body.binding.id }, actor: zhang });
    expect(removed).toMatchObject({ ok: true, status: 200, body: { binding: { id: bound.body.binding.id } } });

    expect(failure(await http.login({ sessionId: 's-3', body: await signed(zhangKey, 's-3', 'login') }))).toEqual({ status: 401, code: 'NOT_BOUND' });
  });

  it('answers a replayed login token with 401 CHALLENGE_NOT_FOUND', async () => {
    await bindZhang();
    const token = await signed(zhangKey, 's-1', 'login');
    expect((await http.login({ sessionId: 's-1', body: token })).status).toBe(200);
    expect(failure(await http.login({ sessionId: 's-1', body: token }))).toEqual({ status: 401, code: 'CHALLENGE_NOT_FOUND' });
  });

  it('answers a token signed for another session with 401 CHALLENGE_NOT_FOUND', async () => {
    await bindZhang();
    const token = await signed(zhangKey, 's-victim', 'login');
    expect(failure(await http.login({ sessionId: 's-attacker', body: token }))).toEqual({ status: 401, code: 'CHALLENGE_NOT_FOUND' });
  });

  it('answers a signature over other text with 401 SIGNATURE_INVALID', async () => {
    await bindZhang();
    const token = await signed(zhangKey, 's-1', 'login', (text) => `${text}x`);
    expect(failure(await http.login({ sessionId: 's-1', body: token }))).toEqual({ status: 401, code: 'SIGNATURE_INVALID' });
  });

  it('answers a certificate of a CA the platform does not trust with 401 CERT_UNTRUSTED', async () => {
    const rogue = createTestCa({ subject: 'CN=Rogue CA, C=CN', keyAlgorithm: 'ec' });
    const key = await keyHolding(enterpriseCertificate('张三', { issuer: rogue }));
    const token = await signed(key, 's-1', 'bind');
    expect(failure(await http.bind({ sessionId: 's-1', body: token, actor: zhang, target: zhang }))).toEqual({ status: 401, code: 'CERT_UNTRUSTED' });
  });

  it.each([
    ['no body', undefined],
    ['an empty object', {}],
    ['an unknown field', { format: 'yizheng:1', certificate: 'AA==', signature: 'AA==', session: 'x' }],
    ['another format', { format: 'yizheng:2', certificate: 'AA==', signature: 'AA==' }],
    ['a number', 42],
  ])('answers a login body with %s with 400 TOKEN_MALFORMED', async (_, body) => {
    await http.challenge({ sessionId: 's-1', body: { purpose: 'login' } });
    expect(failure(await http.login({ sessionId: 's-1', body }))).toEqual({ status: 400, code: 'TOKEN_MALFORMED' });
  });

  it('answers binding a bound certificate again with 409 ALREADY_BOUND', async () => {
    await bindZhang();
    const again = await http.bind({ sessionId: 's-2', body: await signed(zhangKey, 's-2', 'bind'), actor: admin, target: li });
    expect(failure(again)).toEqual({ status: 409, code: 'ALREADY_BOUND' });
  });

  it('answers binding for another account without being its administrator with 403 BIND_FORBIDDEN', async () => {
    const answer = await http.bind({ sessionId: 's-1', body: await signed(liKey, 's-1', 'bind'), actor: zhang, target: li });
    expect(failure(answer)).toEqual({ status: 403, code: 'BIND_FORBIDDEN' });
  });

  it('lets an administrator bind for an account of its organisation, and list the organisation', async () => {
    const answer = await http.bind({ sessionId: 's-1', body: await signed(liKey, 's-1', 'bind'), actor: admin, target: li, isAdmin: false, permissions: ['bid'] });
    expect(answer).toMatchObject({ ok: true, status: 201, body: { binding: { accountId: 'lisi', boundBy: 'admin', permissions: ['bid'] } } });
    await bindZhang();
    const listed = await http.bindings({ actor: admin });
    expect(listed.ok && listed.body.bindings.map((b) => b.binding.accountId).sort()).toEqual(['lisi', 'zhangsan']);
    const own = await http.bindings({ actor: li });
    expect(own.ok && own.body.bindings.map((b) => b.binding.accountId)).toEqual(['lisi']);
  });

  it('answers a certificate of another enterprise with 409 ENTERPRISE_CODE_MISMATCH', async () => {
    const key = await keyHolding(enterpriseCertificate('王五', { uscc: OTHER_USCC }));
    const answer = await http.bind({ sessionId: 's-1', body: await signed(key, 's-1', 'bind'), actor: zhang, target: zhang });
    expect(failure(answer)).toEqual({ status: 409, code: 'ENTERPRISE_CODE_MISMATCH' });
  });

  it('answers unbinding: 404 BINDING_NOT_FOUND, 403 BIND_FORBIDDEN, 400 INVALID_ARGUMENT for a wrong body', async () => {
    const id = await bindZhang();
    expect(failure(await http.unbind({ body: { bindingId: 'no-such-binding' }, actor: zhang }))).toEqual({ status: 404, code: 'BINDING_NOT_FOUND' });
    expect(failure(await http.unbind({ body: { bindingId: id }, actor: stranger }))).toEqual({ status: 403, code: 'BIND_FORBIDDEN' });
    for (const body of [undefined, {}, { bindingId: 7 }, { bindingId: '' }, { bindingId: id, accountId: 'lisi' }]) {
      expect(failure(await http.unbind({ body, actor: zhang }))).toEqual({ status: 400, code: 'INVALID_ARGUMENT' });
    }
    expect((await http.unbind({ body: { bindingId: id }, actor: admin })).status).toBe(200);
  });

  it('answers an unexpected error with 500 and a fixed body, and reports it', async () => {
    const failing: Yizheng = { ...yizheng, issueChallenge: () => Promise.reject(new Error('connect ECONNREFUSED postgres://yz:hunter2@db')) };
    const onUnexpectedError = vi.fn();
    const handlers = createHttpHandlers(failing, { origin: ORIGIN, onUnexpectedError });
    const answer = await handlers.challenge({ sessionId: 's-1', body: { purpose: 'login' } });
    expect(answer).toMatchObject({ ok: false, status: 500, unexpected: true, headers: { 'cache-control': 'no-store' } });
    expect(JSON.stringify(answer.body)).not.toMatch(/hunter2|ECONNREFUSED|postgres/);
    expect(answer.body).toEqual({ error: { message: { 'zh-CN': expect.any(String), en: 'Internal server error; try again later.' } } });
    expect(onUnexpectedError).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringContaining('hunter2') }), 'challenge');
  });

  it('answers a Yizheng INTERNAL_ERROR as unexpected: reported, its details kept out of the body', async () => {
    const internal = new YizhengError('INTERNAL_ERROR', { reason: 'unexpected value in postgres column yz_bindings.identity_key' });
    const failing: Yizheng = { ...yizheng, listBindings: () => Promise.reject(internal) };
    const onUnexpectedError = vi.fn();
    const answer = await createHttpHandlers(failing, { origin: ORIGIN, onUnexpectedError }).bindings({ actor: zhang });
    expect(answer).toMatchObject({ ok: false, status: 500, unexpected: true, headers: { 'cache-control': 'no-store' } });
    expect(JSON.stringify(answer.body)).not.toMatch(/postgres|identity_key|INTERNAL_ERROR/);
    expect(onUnexpectedError).toHaveBeenCalledWith(internal, 'bindings');
  });

  it('answers 500 even for an unexpected error that carries a client status', async () => {
    // An HTTP client's error from deep inside (a 404 from some service) is not the page's 404.
    const failing: Yizheng = { ...yizheng, listBindings: () => Promise.reject(Object.assign(new Error('upstream said 404'), { status: 404 })) };
    const answer = await createHttpHandlers(failing, { origin: ORIGIN, onUnexpectedError: () => {} }).bindings({ actor: zhang });
    expect(answer).toMatchObject({ status: 500, unexpected: true });
  });

  it('rejects with what the hook throws, so the framework can take over', async () => {
    const failing: Yizheng = { ...yizheng, listBindings: () => Promise.reject(new Error('boom')) };
    const handlers = createHttpHandlers(failing, {
      origin: ORIGIN,
      onUnexpectedError: (error) => {
        throw error;
      },
    });
    await expect(handlers.bindings({ actor: zhang })).rejects.toThrow('boom');
  });

  it('answers 401 "sign in first" when the session has no account, before touching the challenge', async () => {
    const token = await signed(zhangKey, 's-1', 'bind');
    for (const answer of [
      await http.bind({ sessionId: 's-1', body: token, actor: undefined, target: undefined }),
      await http.unbind({ body: { bindingId: 'x' }, actor: null }),
      await http.bindings({ actor: undefined }),
    ]) {
      expect(answer).toMatchObject({ ok: false, status: 401, unexpected: false, body: { error: { code: 'SIGN_IN_REQUIRED', message: { en: 'Sign in first.' } } } });
    }
    // The challenge is still pending: signing in and binding with it works.
    expect((await http.bind({ sessionId: 's-1', body: token, actor: zhang, target: zhang })).status).toBe(201);
  });

  it('treats a missing target as the platform bug it is: 500, reported, the page told nothing', async () => {
    const answer = await http.bind({ sessionId: 's-1', body: await signed(zhangKey, 's-1', 'bind'), actor: zhang, target: undefined });
    expect(answer).toMatchObject({ status: 500, unexpected: true });
    expect(String(reported[0])).toContain('bind takes the target');
  });

  it('checks its options once', () => {
    const onUnexpectedError = (): void => {};
    expect(() => createHttpHandlers(yizheng, { origin: 'https://bid.example.gov.cn/', onUnexpectedError })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => createHttpHandlers(yizheng, { origin: ORIGIN } as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('menu names in error answers', () => {
  it("answers with the instance's menu names in the remedy", async () => {
    yizheng = createYizheng({
      stores: createMemoryStores(),
      providers: [],
      trust: createCertificateTrust({ trustStore: createTrustStore(ca.pem), revocation: { policy: 'off' } }),
      menus: { bind: { 'zh-CN': '关联数字证书', en: 'Link certificate' }, unbind: { 'zh-CN': 'CA绑定与解绑', en: 'Bind or unbind CA' } },
    });
    http = createHttpHandlers(yizheng, { origin: ORIGIN, onUnexpectedError: (error) => void reported.push(error) });
    const notBound = await http.login({ sessionId: 's-1', body: await signed(zhangKey, 's-1', 'login') });
    expect(failure(notBound)).toEqual({ status: 401, code: 'NOT_BOUND' });
    const remedy = (notBound.body as { error: { remedy: { 'zh-CN': string; en: string } } }).error.remedy;
    expect(remedy['zh-CN']).toContain('【关联数字证书】');
    expect(remedy.en).toContain("'Link certificate'");

    await bindZhang();
    const again = await http.bind({ sessionId: 's-2', body: await signed(zhangKey, 's-2', 'bind'), actor: admin, target: li });
    expect(failure(again)).toEqual({ status: 409, code: 'ALREADY_BOUND' });
    const bound = (again.body as { error: { message: Record<string, string>; remedy: Record<string, string>; details: Record<string, unknown> } }).error;
    expect(bound.remedy['zh-CN']).toContain('【CA绑定与解绑】');
    expect(bound.remedy['en']).toContain("'Bind or unbind CA'");
    expect(JSON.stringify(bound.message)).not.toContain(String(bound.details['bindingId']));
  });

  it('applies config.menus to errors a hand-made verb set throws', async () => {
    const verbs = {
      ...yizheng,
      config: { menus: { bind: { 'zh-CN': '关联数字证书' } } },
      verifyLogin: () => Promise.reject(new YizhengError('NOT_BOUND', { provider: 'bjca', serialNumber: '01' })),
    };
    const handlers = createHttpHandlers(verbs, { origin: ORIGIN, onUnexpectedError: (error) => void reported.push(error) });
    const answer = await handlers.login({ sessionId: 's-1', body: {} });
    expect((answer.body as { error: { remedy: Record<string, string> } }).error.remedy['zh-CN']).toContain('【关联数字证书】');
  });
});
