import { createHash } from 'node:crypto';
import type { Certificate } from '../cert/index';
import { embeddedOrgCode } from '../codes/embedded';
import { YizhengError } from '../errors/index';
import type { ProviderIdentity } from '../providers/index';

const digest = (value: string | Uint8Array): string => createHash('sha256').update(value).digest('hex').slice(0, 32);

/** The version tag every current identity key starts with; keys without it are from Yizheng 0.x. */
export const IDENTITY_KEY_VERSION = 'v2';

/** The three parts of a certificate's identity, each kept apart. */
export interface IdentityKeyParts {
  /** The provider id. */
  readonly providerId: string;
  /**
   * The issuing CA: a digest of the issuer name and the authority key identifier. Two CAs with
   * different names or keys never share it, whatever their certificates' subjects say (a trusted CA
   * that copies another CA's name and key identifier is a trust failure, outside what a key can fix).
   */
  readonly issuingCa: string;
  /**
   * The company the certificate is for: its organisation code (a USCC gives the one it embeds),
   * else its registration number or USCC; `-` for a personal certificate.
   */
  readonly company: string;
  /**
   * The holder: `pid:<digest>` for an ID number the CA vouches for (an extension or the CA's
   * documented name layout, never free text), else `key:<digest>` of the certificate's public key.
   */
  readonly holder: string;
}

/** The issuing CA's part of an identity key: the issuer as named and as keyed (its AKI). */
function issuingCaOf(certificate: Certificate): string {
  return digest(`${certificate.issuer.toString().normalize('NFC')}\u0000${certificate.authorityKeyIdentifier ?? ''}`);
}

/** The company part: organisation code first, because a USCC embeds it (the same company before and after 三证合一). */
function companyOf(identity: ProviderIdentity): string | undefined {
  if (identity.orgCode !== undefined) return `org:${identity.orgCode}`;
  const embedded = identity.uscc !== undefined ? embeddedOrgCode(identity.uscc) : undefined;
  if (embedded !== undefined) return `org:${embedded}`;
  if (identity.uscc !== undefined) return `uscc:${identity.uscc}`;
  if (identity.registrationNumber !== undefined) return `reg:${identity.registrationNumber}`;
  return undefined;
}

/** True when the identity's personal ID number comes from a place the CA vouches for. */
function hasVouchedPersonalId(identity: ProviderIdentity): identity is ProviderIdentity & { personalId: string } {
  return identity.personalId !== undefined && !(identity.freeText ?? []).includes('personalId');
}

/**
 * Splits a certificate's identity into issuing CA, company and holder.
 *
 * @throws {YizhengError} `IDENTITY_NOT_FOUND` when the certificate carries neither an enterprise
 *   code nor a personal ID number.
 */
export function identityKeyParts(providerId: string, identity: ProviderIdentity, certificate: Certificate): IdentityKeyParts {
  const company = companyOf(identity);
  const personal = hasVouchedPersonalId(identity);
  if (company === undefined && !personal) {
    throw new YizhengError('IDENTITY_NOT_FOUND', { provider: providerId, subject: certificate.subject.toString() });
  }
  return {
    providerId,
    issuingCa: issuingCaOf(certificate),
    company: company ?? '-',
    // A company code names a company, never one of its employees: the holder is an ID number the
    // CA vouches for, else the key itself (a re-keyed certificate is a new holder until bound again).
    holder: personal ? `pid:${digest(identity.personalId)}` : `key:${digest(certificate.publicKey.spki)}`,
  };
}

/** The key prefix shared by every holder of one company at one issuing CA (see {@link deriveIdentityKey}). */
export function companyKeyPrefix(parts: IdentityKeyParts): string {
  return `${IDENTITY_KEY_VERSION}|${parts.providerId}|ca:${parts.issuingCa}|${parts.company}|`;
}

/**
 * The stable identity a binding is keyed on: `v2|<provider>|ca:<issuing CA>|<company>|<holder>`.
 *
 * - The issuing CA (issuer name and key identifier) keeps two CAs apart, also under the generic
 *   provider: the same names and codes from another CA are another identity.
 * - The holder is a personal ID number the CA vouches for, else the certificate's public key. Never
 *   a name (two employees can share one), never the company code alone (a company holds many
 *   certificates), never the serial number (it changes at every renewal).
 * - A renewed certificate keeps its key when the CA renews for the same holder: the same vouched ID
 *   number, or the same public key. A certificate renewed onto a new key with no ID number is a new
 *   holder and is bound again.
 *
 * ID numbers and public keys are hashed, so the store never holds personal data in clear.
 *
 * @throws {YizhengError} `IDENTITY_NOT_FOUND` when the certificate carries no usable identity.
 */
export function deriveIdentityKey(providerId: string, identity: ProviderIdentity, certificate: Certificate): string {
  const parts = identityKeyParts(providerId, identity, certificate);
  return `${companyKeyPrefix(parts)}${parts.holder}`;
}

/**
 * The key Yizheng 0.x stored bindings under (provider, vendor id or code, subject CN). Read only to
 * move such a binding to its current key on the first login with the exact bound certificate;
 * `undefined` when the certificate had none.
 */
export function deriveLegacyIdentityKey(providerId: string, identity: ProviderIdentity, certificate: Certificate): string | undefined {
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
  if (entity === undefined) return undefined;
  const holder = (certificate.subject.commonName ?? '').normalize('NFC').trim();
  // 0.x stored only keys a store accepts: none with control characters or beyond the key length limit.
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(holder) || holder.length > 1024) return undefined;
  const names = [identity.entityName, certificate.subject.organization].map((n) => n?.normalize('NFC').trim());
  if (holder === '' || names.includes(holder)) return `${providerId}|${entity}|cert:${certificate.sha256}`;
  return `${providerId}|${entity}|cn:${holder}`;
}

/** The enterprise code of an identity to compare with an account's: USCC, else organisation code, else registration number. */
export function enterpriseCodeOf(identity: ProviderIdentity): string | undefined {
  return identity.uscc ?? identity.orgCode ?? identity.registrationNumber;
}
