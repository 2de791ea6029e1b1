/**
 * The set-up the login benchmarks share: a test CA and one holder's certificate for `algorithm`, a
 * context on `stores` trusting the CA, a function that issues a challenge and returns the text, the
 * signature and the page's token, and the holder's binding (made through `bindCertificate`).
 */
import { bindCertificate, createCertificateTrust, createProviderRegistry, issueChallenge } from '@yizheng/core';
import { createTrustStore } from '@yizheng/core/trust';
import { createTestCa, issueCertificate, utf8Extension } from '@yizheng/core/testing';

export const ORIGIN = 'https://bid.example.gov.cn';
const USCC = '91350200556207664B';

export async function setupLogin(algorithm, stores) {
  const ca = createTestCa({ subject: `CN=Bench ${algorithm} CA, C=CN`, keyAlgorithm: algorithm });
  const leaf = issueCertificate({
    subject: 'CN=张三, O=厦门帝网信息科技有限公司, C=CN',
    issuer: ca,
    keyAlgorithm: algorithm,
    extensions: [utf8Extension('1.2.156.10260.4.1.4', USCC)],
  });
  const context = {
    stores,
    providers: createProviderRegistry([]),
    trust: createCertificateTrust({ trustStore: createTrustStore(ca.certificate), revocation: { policy: 'off' } }),
  };
  const certificate = Buffer.from(leaf.der).toString('base64');
  const token = async (sessionId, purpose) => {
    const { text } = await issueChallenge({ sessionId, origin: ORIGIN, purpose }, context);
    const signature = leaf.key.sign(new TextEncoder().encode(text));
    return { text, signature, token: { format: 'yizheng:1', certificate, signature: Buffer.from(signature).toString('base64') } };
  };
  const bind = await token('bind-session', 'bind');
  const binding = await bindCertificate({
    sessionId: 'bind-session', origin: ORIGIN, token: bind.token,
    actor: { accountId: 'acct', organizationId: 'org', isAdmin: false },
    target: { accountId: 'acct', organizationId: 'org', enterpriseCode: USCC },
  }, context);
  return { leaf, context, token, binding, certificate };
}
