import { createHash } from 'node:crypto';
import type { Certificate } from '../cert/index';
import { YizhengError } from '../errors/index';
import type { ProviderIdentity } from '../providers/index';

/**
 * The stable identity a binding is keyed on: provider, then the vendor's unique id or the entity's
 * code, then the holder (subject CN). Never the serial number: it changes at every renewal, and a
 * renewed certificate must continue its binding (seed 000 FAQ 8). The holder part keeps two employees'
 * keys of one company apart. A personal ID is hashed so the store never holds it in clear.
 *
 * @throws {YizhengError} `IDENTITY_NOT_FOUND` when the certificate carries no usable identity.
 */
export function deriveIdentityKey(providerId: string, identity: ProviderIdentity, certificate: Certificate): string {
  const entity = identity.vendorUid !== undefined
    ? `uid:${identity.vendorUid}`
    : identity.uscc !== undefined
      ? `uscc:${identity.uscc}`
      : identity.orgCode !== undefined
        ? `org:${identity.orgCode}`
        : identity.registrationNumber !== undefined
          ? `reg:${identity.registrationNumber}`
          : identity.personalId !== undefined
            ? `pid:${createHash('sha256').update(identity.personalId).digest('hex').slice(0, 32)}`
            : undefined;
  if (entity === undefined) {
    throw new YizhengError('IDENTITY_NOT_FOUND', { provider: providerId, subject: certificate.subject.toString() });
  }
  const holder = (certificate.subject.commonName ?? '').normalize('NFC').trim();
  return `${providerId}|${entity}|cn:${holder}`;
}

/** The enterprise code of an identity to compare with an account's: USCC, else organisation code, else registration number. */
export function enterpriseCodeOf(identity: ProviderIdentity): string | undefined {
  return identity.uscc ?? identity.orgCode ?? identity.registrationNumber;
}
