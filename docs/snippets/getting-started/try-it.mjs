// Shown in docs/guide/getting-started.md (both languages) and run by docs/getting-started.test.ts.
// #region key
import { signChallenge } from '@yizheng/core/client';
import { createSoftwareToken } from '@yizheng/core/software-token';
import { createTestCa, issueCertificate, privateKeyToPem, utf8Extension } from '@yizheng/core/testing';
import { createPlatformYizheng } from './yizheng.mjs';

const origin = 'http://localhost:3000';
const account = { id: 'zhangsan', organizationId: 'org-1', isAdmin: false, enterpriseCode: '91350200556207664B' };

const ca = createTestCa({ subject: 'CN=Test CA, O=Test, C=CN', keyAlgorithm: 'ec' });
const leaf = issueCertificate({
  subject: 'CN=张三, O=厦门帝网信息科技有限公司, C=CN',
  issuer: ca,
  keyAlgorithm: 'ec',
  extensions: [utf8Extension('1.2.156.10260.4.1.4', account.enterpriseCode)],
});
const key = await createSoftwareToken({ certificates: [{ certificate: leaf.pem, privateKey: privateKeyToPem(leaf.key) }] });
await key.login('cert-1', '123456');

const yizheng = createPlatformYizheng(ca.pem);
// #endregion key
// #region bind
const bindChallenge = await yizheng.issueChallenge({ sessionId: 'session-1', origin, purpose: 'bind' });
await yizheng.bindCertificate({
  sessionId: 'session-1',
  origin,
  token: await signChallenge(key, 'cert-1', bindChallenge.text),
  actor: { accountId: account.id, organizationId: account.organizationId, isAdmin: account.isAdmin },
  target: { accountId: account.id, organizationId: account.organizationId, enterpriseCode: account.enterpriseCode },
});
// #endregion bind
// #region login
const loginChallenge = await yizheng.issueChallenge({ sessionId: 'session-2', origin, purpose: 'login' });
const login = await yizheng.verifyLogin(await signChallenge(key, 'cert-1', loginChallenge.text), { sessionId: 'session-2', origin });
console.log(login.account);
// #endregion login
export { login };
