/**
 * What login and binding both look up: a binding by identity key across the scopes a platform
 * accepts (一证通用), and the certificate facts a binding keeps.
 */
import type { Certificate } from '../cert/index';
import type { Binding, CertificateFacts } from '../stores/index';
import type { YizhengContext } from './context';
import { currentScopeOf, scopesOf } from './defaults';

/** The facts a binding keeps about its certificate. */
export function certificateFacts(certificate: Certificate): CertificateFacts {
  return {
    serialNumber: certificate.serialNumber,
    sha256: certificate.sha256,
    subjectDn: certificate.subject.toString(),
    issuerDn: certificate.issuer.toString(),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
}

/** The binding of an identity in the current scope, then in the scopes this platform accepts. */
export async function findBinding(identityKey: string, context: YizhengContext): Promise<Binding | null> {
  // The current scope first, without building the list (every login asks).
  const own = await context.stores.bindings.findByIdentity(currentScopeOf(context), identityKey);
  if (own) return own;
  for (const scope of context.scopes?.accepted ?? []) {
    const binding = await context.stores.bindings.findByIdentity(scope, identityKey);
    if (binding) return binding;
  }
  return null;
}

/** True when some holder of the certificate's company at the same issuing CA is bound. */
export async function companyIsBound(prefix: string, context: YizhengContext): Promise<boolean> {
  for (const scope of scopesOf(context)) {
    if ((await context.stores.bindings.findByIdentityPrefix(scope, prefix, 1)).length > 0) return true;
  }
  return false;
}
