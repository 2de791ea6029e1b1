import { createHash } from 'node:crypto';
import type { Certificate } from '../cert/index';
import { YizhengError } from '../errors/index';
import type { ProviderIdentity } from '../providers/index';

const digest = (value: string): string => createHash('sha256').update(value).digest('hex').slice(0, 32);

/**
 * The stable identity a binding is keyed on: provider, then the vendor's unique id or the entity's
 * code, then the holder (subject CN). Never the serial number alone: it changes at every renewal, and
 * a renewed certificate must continue its binding (seed 000 FAQ 8). The holder part keeps two
 * employees' keys of one company apart; where the CN only names the company (or is empty) it cannot,
 * so such a binding is keyed on this very certificate and a renewed one is bound again. Vendor ids
 * (BJCA's `SF…` holds an ID-card number) and personal ID numbers are hashed, so the store never holds
 * them in clear.
 *
 * @throws {YizhengError} `IDENTITY_NOT_FOUND` when the certificate carries no usable identity.
 */
export function deriveIdentityKey(providerId: string, identity: ProviderIdentity, certificate: Certificate): string {
  const entity = identity.vendorUid !== undefined
    ? `uid:${digest(identity.vendorUid)}`
    : identity.uscc !== undefined
      ? `uscc:${identity.uscc}`
      : identity.orgCode !== undefined
        ? `org:${identity.orgCode}`
        : identity.registrationNumber !== undefined
          ? `reg:${identity.registrationNumber}`
          : identity.personalId !== undefined
            ? `pid:${digest(identity.personalId)}`
            : undefined;
  if (entity === undefined) {
    throw new YizhengError('IDENTITY_NOT_FOUND', { provider: providerId, subject: certificate.subject.toString() });
  }
  const holder = (certificate.subject.commonName ?? '').normalize('NFC').trim();
  const names = [identity.entityName, certificate.subject.organization].map((n) => n?.normalize('NFC').trim());
  if (holder === '' || names.includes(holder)) return `${providerId}|${entity}|cert:${certificate.sha256}`;
  return `${providerId}|${entity}|cn:${holder}`;
}

/** The enterprise code of an identity to compare with an account's: USCC, else organisation code, else registration number. */
export function enterpriseCodeOf(identity: ProviderIdentity): string | undefined {
  return identity.uscc ?? identity.orgCode ?? identity.registrationNumber;
}
