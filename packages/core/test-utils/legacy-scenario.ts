/**
 * The upgrade scenario every store runs (memory and SQLite beside the login tests, PostgreSQL beside
 * its adapter): a binding stored under the 0.x identity key moves to the current key on the first
 * login with the exact bound certificate, and on nothing else. Test support, not shipped.
 */
import { expect } from 'vitest';
import { codeOf } from './errors';
import { bindCertificate } from '../src/binding/index';
import { deriveLegacyIdentityKey } from '../src/identity/key';
import { isYizhengError } from '../src/errors/index';
import { createGenericProvider } from '../src/providers/index';
import type { Stores } from '../src/stores/index';
import { certificateFacts } from '../src/context/lookup';
import { verifyLogin } from '../src/login/verify-login';
import { DAY, ORIGIN, USCC, fakeClock, issueEnterpriseCertificate, makeCa, makeContext, signedToken } from './login-support';

/** Runs the scenario on stores made by `open` (closed at the end). */
export async function checkLegacyBindingMoves(open: (clock: () => Date) => Stores | Promise<Stores>): Promise<void> {
  const ca = makeCa();
  const clock = fakeClock();
  const context = { ...makeContext([ca], clock.now), stores: await open(clock.now) };
  const request = { sessionId: 'session-1', origin: ORIGIN };
  const login = async (cert: typeof holder) => verifyLogin(await signedToken(cert, context), request, context);
  const now = clock.now().getTime();
  const holder = issueEnterpriseCertificate(ca, { cn: '张伟', notBefore: new Date(now - 30 * DAY) });
  try {
    const identity = createGenericProvider().extractIdentity(holder.certificate);
    const legacyKey = deriveLegacyIdentityKey('generic', identity, holder.certificate);
    expect(legacyKey).toBe(`generic|uscc:${USCC}|cn:张伟`);
    const stored = await context.stores.bindings.insert({
      identityKey: legacyKey ?? '',
      providerId: 'generic',
      accountId: 'acct-zhangwei',
      organizationId: 'org-1',
      enterpriseCode: USCC,
      entityName: '厦门帝网信息科技有限公司',
      certificate: certificateFacts(holder.certificate),
      boundBy: 'acct-zhangwei',
    });
    // A colleague with the same 0.x key: not moved, not logged in, told to bind.
    const colleague = issueEnterpriseCertificate(ca, { cn: '张伟', notBefore: new Date(now - DAY) });
    const err = await login(colleague).then(() => undefined, (e: unknown) => e);
    expect(isYizhengError(err) ? [err.code, err.details['reason']] : err).toEqual(['NOT_BOUND', 'renewed-with-new-key']);
    expect((await context.stores.bindings.findById(stored.id))?.identityKey).toBe(legacyKey);
    // Binding the same certificate again is refused while the old binding holds it.
    const target = { accountId: 'acct-other', organizationId: 'org-1', enterpriseCode: USCC };
    const token = await signedToken(holder, context, { purpose: 'bind' });
    expect(await codeOf(bindCertificate({ ...request, actor: { ...target, isAdmin: false }, target, token }, context))).toBe('ALREADY_BOUND');
    // The holder's own certificate moves the binding, atomically with its audit event, and logs in.
    const result = await login(holder);
    expect(result.binding.id).toBe(stored.id);
    expect(result.binding.identityKey).toMatch(/^v2\|generic\|ca:[0-9a-f]{32}\|org:556207664\|key:[0-9a-f]{32}$/);
    expect((await context.stores.bindings.findById(stored.id))?.identityKey).toBe(result.binding.identityKey);
    const events = await context.stores.audit.list({ bindingId: stored.id, limit: 10 });
    expect(events.items.map((e) => e.type)).toEqual(['login', 'rekey']);
    expect((await login(holder)).binding.id).toBe(stored.id);
  } finally {
    await context.stores.close();
  }
}
