import { beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../test-utils/errors';
import { isYizhengError, type YizhengErrorCode } from '../errors/index';
import { verifyLogin } from '../login/verify-login';
import { DAY, ORG_CODE, ORIGIN, OTHER_USCC, USCC, fakeClock, issueEnterpriseCertificate, makeCa, makeContext, signedToken } from '../../test-utils/login-support';
import type { TestCertificate } from '../testing/index';
import {
  authorize, bindCertificate, isAuthorized, listBindings, listExpiringBindings, setBindingPermissions, unbindCertificate,
} from './index';

const codeOf = async (p: Promise<unknown>): Promise<YizhengErrorCode> => (await failure(p)).code;

const request = { sessionId: 'session-1', origin: ORIGIN };
const employee = { accountId: 'acct-zhangsan', organizationId: 'org-1', isAdmin: false };
const admin = { accountId: 'acct-admin', organizationId: 'org-1', isAdmin: true };
const self = { accountId: 'acct-zhangsan', organizationId: 'org-1', enterpriseCode: USCC };
const colleague = { accountId: 'acct-lisi', organizationId: 'org-1', enterpriseCode: USCC };

let ca: TestCertificate;
let leaf: TestCertificate;
beforeAll(() => {
  ca = makeCa();
  leaf = issueEnterpriseCertificate(ca);
});

describe('bindCertificate', () => {
  it('binds one\'s own certificate, with facts, audit and the actor as operator', async () => {
    const context = makeContext([ca], fakeClock().now);
    const binding = await bindCertificate({ ...request, actor: employee, target: self, token: await signedToken(leaf, context, { purpose: 'bind' }), keyId: 'KEY-001' }, context);
    expect(binding).toMatchObject({ accountId: 'acct-zhangsan', organizationId: 'org-1', enterpriseCode: USCC, providerId: 'generic', boundBy: 'acct-zhangsan', isAdmin: false });
    expect(binding.certificate).toMatchObject({ serialNumber: leaf.certificate.serialNumber, keyId: 'KEY-001' });
    const events = await context.stores.audit.list({ bindingId: binding.id, limit: 5 });
    expect(events.items).toMatchObject([{ type: 'bind', actorAccountId: 'acct-zhangsan' }]);
  });

  it('lets an organisation admin bind for a colleague, and no one else (seed 004)', async () => {
    const context = makeContext([ca], fakeClock().now);
    expect(await codeOf(bindCertificate({ ...request, actor: employee, target: colleague, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context))).toBe('BIND_FORBIDDEN');
    const outsider = { ...admin, organizationId: 'org-2' };
    expect(await codeOf(bindCertificate({ ...request, actor: outsider, target: colleague, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context))).toBe('BIND_FORBIDDEN');
    const binding = await bindCertificate({ ...request, actor: admin, target: colleague, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context);
    expect([binding.accountId, binding.boundBy]).toEqual(['acct-lisi', 'acct-admin']);
    const events = await context.stores.audit.list({ bindingId: binding.id, limit: 5 });
    expect(events.items[0]).toMatchObject({ actorAccountId: 'acct-admin', targetAccountId: 'acct-lisi' });
  });

  it('lets only an admin grant the admin flag or permissions at binding', async () => {
    const context = makeContext([ca], fakeClock().now);
    const token = await signedToken(leaf, context, { purpose: 'bind' });
    expect(await codeOf(bindCertificate({ ...request, actor: employee, target: self, token, isAdmin: true }, context))).toBe('BIND_FORBIDDEN');
    const again = await signedToken(leaf, context, { purpose: 'bind' });
    expect(await codeOf(bindCertificate({ ...request, actor: employee, target: self, token: again, permissions: ['award-contract'] }, context))).toBe('BIND_FORBIDDEN');
    const granted = await bindCertificate({ ...request, actor: admin, target: self, token: await signedToken(leaf, context, { purpose: 'bind' }), isAdmin: true }, context);
    expect(granted.isAdmin).toBe(true);
  });

  it('accepts an account registered with the organisation code the USCC embeds (seed 000 FAQ 6)', async () => {
    const context = makeContext([ca], fakeClock().now);
    const binding = await bindCertificate({ ...request, actor: employee, target: { ...self, enterpriseCode: ORG_CODE }, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context);
    expect(binding.enterpriseCode).toBe(USCC);
  });

  it('refuses a certificate of another enterprise with both codes and what to do', async () => {
    const context = makeContext([ca], fakeClock().now);
    const err = await failure(bindCertificate({ ...request, actor: employee, target: { ...self, enterpriseCode: OTHER_USCC }, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context));
    expect(err.code).toBe('ENTERPRISE_CODE_MISMATCH');
    expect(err.details).toMatchObject({ certificateCode: USCC, accountCode: OTHER_USCC, certificateKind: '统一社会信用代码' });
    expect(err.message).toContain('企业代码不一致');
  });

  it('says where an already-bound certificate is bound, masked (seed 000 FAQ 4)', async () => {
    const context = makeContext([ca], fakeClock().now);
    await bindCertificate({ ...request, actor: employee, target: self, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context);
    const err = await failure(bindCertificate({ ...request, actor: admin, target: colleague, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context));
    expect(err.code).toBe('ALREADY_BOUND');
    expect(err.details['accountId']).toBe('ac******an');
    expect(err.message).toContain('该证书已被绑定');
  });

  it('binds one identity once when 50 sessions race to bind it to different accounts', async () => {
    const context = makeContext([ca], fakeClock().now);
    const attempts = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
      const session = { sessionId: `s-${i}`, origin: ORIGIN };
      const token = await signedToken(leaf, context, { purpose: 'bind', sessionId: session.sessionId });
      const account = { accountId: `acct-${i}`, organizationId: 'org-1', enterpriseCode: USCC };
      return bindCertificate({ ...session, actor: admin, target: account, token }, context).then(() => 'bound', (e: unknown) => (isYizhengError(e) ? e.code : 'crash'));
    }));
    expect(attempts.filter((a) => a === 'bound')).toHaveLength(1);
    expect(attempts.filter((a) => a === 'ALREADY_BOUND')).toHaveLength(49);
    expect(await context.stores.bindings.listByOrganization('org-1')).toHaveLength(1);
  });

  it('refuses a certificate without an enterprise code (IDENTITY_NOT_FOUND)', async () => {
    const context = makeContext([ca], fakeClock().now);
    const { issueCertificate } = await import('../testing/index');
    const bare = issueCertificate({ subject: 'CN=无代码, C=CN', issuer: ca });
    expect(await codeOf(bindCertificate({ ...request, actor: employee, target: self, token: await signedToken(bare, context, { purpose: 'bind' }) }, context))).toBe('IDENTITY_NOT_FOUND');
  });
});

describe('after binding', () => {
  it('unbinds, after which the certificate binds to another account', async () => {
    const context = makeContext([ca], fakeClock().now);
    const binding = await bindCertificate({ ...request, actor: employee, target: self, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context);
    expect(await codeOf(unbindCertificate({ actor: { ...employee, accountId: 'acct-wangwu' }, bindingId: binding.id }, context))).toBe('BIND_FORBIDDEN');
    await unbindCertificate({ actor: employee, bindingId: binding.id }, context);
    expect(await codeOf(unbindCertificate({ actor: employee, bindingId: binding.id }, context))).toBe('BINDING_NOT_FOUND');
    const again = await bindCertificate({ ...request, actor: admin, target: colleague, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context);
    expect(again.accountId).toBe('acct-lisi');
    const events = await context.stores.audit.list({ accountId: 'acct-zhangsan', limit: 10 });
    expect(events.items.map((e) => e.type)).toEqual(['unbind', 'bind']);
  });

  it('keeps per-certificate admin flag and permissions, set by an admin only (seed 000 FAQ 10)', async () => {
    const context = makeContext([ca], fakeClock().now);
    const binding = await bindCertificate({ ...request, actor: employee, target: self, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context);
    const permissions = { isAdmin: false, permissions: ['bid.submit', 'info.edit'] };
    expect(await codeOf(setBindingPermissions({ actor: employee, bindingId: binding.id, permissions }, context))).toBe('BIND_FORBIDDEN');
    await setBindingPermissions({ actor: admin, bindingId: binding.id, permissions }, context);
    const login = await verifyLogin(await signedToken(leaf, context), request, context);
    expect(isAuthorized(login, 'bid.submit')).toBe(true);
    expect(isAuthorized(login, 'org.manage')).toBe(false);
    expect(() => authorize(login, 'org.manage')).toThrow(expect.objectContaining({ code: 'PERMISSION_DENIED' }));
  });

  it('gives a password session only the right to bind certificates (seed 000 FAQ 7)', () => {
    const session = { method: 'password', accountId: 'acct-zhangsan' } as const;
    expect(isAuthorized(session, 'bind-certificate')).toBe(true);
    expect(() => authorize(session, 'info.edit')).toThrow(expect.objectContaining({ code: 'PERMISSION_DENIED' }));
  });

  it('lists bindings with expiry, and pages through the expiring ones', async () => {
    const clock = fakeClock();
    const context = makeContext([ca], clock.now);
    const now = clock.now().getTime();
    for (const [i, days] of [[1, 10], [2, 40], [3, 200]] as const) {
      const cert = issueEnterpriseCertificate(ca, { cn: `员工${i}`, notBefore: new Date(now - DAY), notAfter: new Date(now + days * DAY) });
      const account = { accountId: `acct-${i}`, organizationId: 'org-1', enterpriseCode: USCC };
      await bindCertificate({ ...request, actor: admin, target: account, token: await signedToken(cert, context, { purpose: 'bind' }) }, context);
      clock.advance(1000); // distinct bind times, so the list order is defined
    }
    const list = await listBindings({ organizationId: 'org-1' }, context);
    expect(list.map((e) => e.expiry.state)).toEqual(['expiring', 'expiring', 'valid']);
    const first = await listExpiringBindings({ withinDays: 60, limit: 1 }, context);
    expect(first.items.map((e) => e.binding.accountId)).toEqual(['acct-1']);
    const second = await listExpiringBindings({ withinDays: 60, limit: 1, cursor: first.nextCursor }, context);
    expect(second.items.map((e) => e.binding.accountId)).toEqual(['acct-2']);
    expect(second.nextCursor).toBeNull();
    expect(await codeOf(listExpiringBindings({ withinDays: -1 }, context))).toBe('INVALID_ARGUMENT');
  });
});

describe('why binding is forbidden, and where a certificate is bound', () => {
  const outsider = { ...admin, accountId: 'acct-outsider', organizationId: 'org-2' };

  it('tells an employee acting for someone else from an admin of another organisation (BIND_FORBIDDEN reasons)', async () => {
    const context = makeContext([ca], fakeClock().now);
    const byEmployee = await failure(bindCertificate({ ...request, actor: employee, target: colleague, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context));
    expect(byEmployee.details).toMatchObject({ reason: 'not-admin', actorAccountId: 'acct-zhangsan', targetAccountId: 'acct-lisi' });
    expect(byEmployee.message).toContain('普通用户只能为本人账号');
    const byOutsider = await failure(bindCertificate({ ...request, actor: outsider, target: colleague, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context));
    expect(byOutsider.details['reason']).toBe('other-organization');
    expect(byOutsider.message).toContain('管理员只能管理本单位账号的证书绑定');
    expect(byOutsider.remedy).not.toContain('普通用户');
    expect(byOutsider.localizedMessage('en')).toContain("their own organisation's accounts");
    const granting = await failure(bindCertificate({ ...request, actor: employee, target: self, token: await signedToken(leaf, context, { purpose: 'bind' }), isAdmin: true }, context));
    expect(granting.details['reason']).toBe('admin-only');
  });

  it('gives unbinding and setting permissions the same reasons', async () => {
    const context = makeContext([ca], fakeClock().now);
    const binding = await bindCertificate({ ...request, actor: employee, target: self, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context);
    const permissions = { isAdmin: false, permissions: ['bid.submit'] };
    expect((await failure(unbindCertificate({ actor: { ...employee, accountId: 'acct-wangwu' }, bindingId: binding.id }, context))).details['reason']).toBe('not-admin');
    expect((await failure(unbindCertificate({ actor: outsider, bindingId: binding.id }, context))).details['reason']).toBe('other-organization');
    expect((await failure(setBindingPermissions({ actor: employee, bindingId: binding.id, permissions }, context))).details['reason']).toBe('admin-only');
    expect((await failure(setBindingPermissions({ actor: outsider, bindingId: binding.id, permissions }, context))).details['reason']).toBe('other-organization');
  });

  it('names the holding account, not the binding id, in ALREADY_BOUND', async () => {
    const context = makeContext([ca], fakeClock().now);
    const binding = await bindCertificate({ ...request, actor: employee, target: self, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context);
    const err = await failure(bindCertificate({ ...request, actor: admin, target: colleague, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context));
    expect(err.details).toMatchObject({ bindingId: binding.id, accountId: 'ac******an', scope: 'default' });
    expect(err.details['reason']).toBeUndefined();
    expect(err.message).toBe('该证书已被绑定：它已绑定到账号 ac******an。');
    expect(JSON.stringify(err.toJSON().message)).not.toContain(binding.id);
  });

  it('names the scope when the certificate is bound in another, accepted scope', async () => {
    const clock = fakeClock();
    const provincial = makeContext([ca], clock.now, { scopes: { current: 'fujian' } });
    const binding = await bindCertificate({ ...request, actor: employee, target: self, token: await signedToken(leaf, provincial, { purpose: 'bind' }) }, provincial);
    const city = { ...provincial, scopes: { current: 'xiamen', accepted: ['fujian'] } };
    const err = await failure(bindCertificate({ ...request, actor: admin, target: colleague, token: await signedToken(leaf, city, { purpose: 'bind' }) }, city));
    expect(err.code).toBe('ALREADY_BOUND');
    expect(err.details).toMatchObject({ reason: 'other-scope', scope: 'fujian', bindingId: binding.id });
    expect(err.message).toContain('fujian');
    expect(err.localizedMessage('en')).toContain('in fujian');
    expect(err.message).not.toContain(binding.id);
  });

  it('names the platform’s unbind menu given in context.menus', async () => {
    const context = { ...makeContext([ca], fakeClock().now), menus: { unbind: { 'zh-CN': 'CA绑定与解绑', en: 'Bind or unbind CA' } } };
    await bindCertificate({ ...request, actor: employee, target: self, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context);
    const err = await failure(bindCertificate({ ...request, actor: admin, target: colleague, token: await signedToken(leaf, context, { purpose: 'bind' }) }, context));
    expect(err.remedy).toContain('【CA绑定与解绑】');
    expect(err.toJSON().remedy.en).toContain("'Bind or unbind CA'");
  });
});
