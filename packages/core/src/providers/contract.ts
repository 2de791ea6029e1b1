/**
 * The contract every CA provider meets. Core stays vendor-neutral: where a CA hides the enterprise
 * code, which SM2 user id its client signs with and which anchors it chains to all live in a provider.
 *
 * A provider package has two entries: the server entry (this contract: recognition, identity,
 * conventions, trust) and a `./browser` entry with its key-client driver. The server entry never
 * imports browser code; the factory slots below are typed here so a page-side provider object can
 * carry them.
 */
import type { Certificate, CertificateInput } from '../cert/index';
import type { TokenDriver } from '../client/token-driver';
import type { SignatureFormat } from '../crypto/index';
import type { RevocationPolicy } from '../trust/index';
import type { ProviderInfo } from './info';

/** How sure a provider is that it issued a certificate, and why. */
export interface Recognition {
  /** Greater than 0 (a hint) up to 1 (certain, e.g. its own policy arc and issuer name). */
  readonly confidence: number;
  /** What matched, one line each: issuer names, policy OID arcs, authority key ids, with how each fact is known. */
  readonly evidence: readonly string[];
}

/** Who a certificate speaks for, with where each value was found. */
export interface ProviderIdentity {
  /** The entity's name (company or person). */
  readonly entityName: string | undefined;
  /** Unified social credit code, normalised (18 characters, upper case). */
  readonly uscc?: string;
  /** Organisation code, normalised (9 characters, no hyphen). */
  readonly orgCode?: string;
  /** Business registration number (15 digits). */
  readonly registrationNumber?: string;
  /** Personal ID number (handle as personal data). */
  readonly personalId?: string;
  /** The vendor's own unique id for the subject (e.g. BJCA `JJ…`), when it has one. Stable across renewals. */
  readonly vendorUid?: string;
  /**
   * Where each field came from, e.g. `{ uscc: 'extension:1.2.156.10260.4.1.4', entityName: 'subject:O' }`:
   * `extension:<oid>` or `subject:<attribute>`.
   */
  readonly source: Readonly<Record<string, string>>;
  /**
   * The code fields read from free text (a DN `OU`, `O` or `serialNumber`) because no place the CA
   * vouches for held a code. Absent when every code is vouched for. Such a personal ID number is
   * never taken as the holder.
   */
  readonly freeText?: readonly string[];
  /** Vouched places that disagree; login and binding refuse the certificate (`ENTERPRISE_CODE_CONFLICT`). */
  readonly conflicts?: readonly IdentityConflict[];
}

/** Two or more different values of one code in places a CA vouches for. */
export interface IdentityConflict {
  /** Which code: a USCC also counts as the organisation code it embeds. */
  readonly field: 'uscc' | 'orgCode' | 'registrationNumber' | 'personalId';
  /** The different values found. */
  readonly values: readonly string[];
  /** Where they were found. */
  readonly sources: readonly string[];
}

/**
 * The signature encodings a vendor's client emits: DER `SEQUENCE{r,s}`, raw r‖s,
 * an SKF ECCSIGNATUREBLOB, or PKCS#7 / CMS SignedData.
 */
export type ClientSignatureFormat = Exclude<SignatureFormat, 'auto'>;

/**
 * What the vendor's client signs when asked to sign a text:
 * - `utf8`: the text's own (UTF-8, for a challenge ASCII) bytes, as BJCA does (verified on a real BJCA signature);
 * - `base64-decoded`: the bytes a base64 text decodes to; the page's driver then base64-encodes the
 *   challenge text before handing it over, so the server still verifies over the text's bytes.
 */
export type SignedDataConvention = 'utf8' | 'base64-decoded';

/** How a CA's key client signs: what the server needs to verify its signatures. */
export interface SignatureConventions {
  /** SM2 user id its client hashes into Z; default `1234567812345678` (GM/T 0009). */
  readonly sm2UserId?: string;
  /** Encodings its client emits, most common first. */
  readonly formats?: readonly ClientSignatureFormat[];
  /** Which bytes its client signs for a text; default `utf8`. */
  readonly signedData?: SignedDataConvention;
}

/**
 * The vendor's trust hook: the CA certificates its certificates chain to and the revocation
 * policy its infrastructure supports. Core never trusts these by itself: a platform adds the
 * anchors with {@link providerTrustAnchors}, and the default login trust
 * (`createCertificateTrust`) reads `revocation` as described there.
 */
export interface ProviderTrust {
  /** Root or issuing CA certificates of this vendor (parsed, or PEM / DER / base64). */
  readonly anchors?: readonly (Certificate | CertificateInput)[];
  /**
   * Revocation policy for this vendor's certificates: `require` when its OCSP/CRL service is
   * dependable, `prefer` (soft fail), `off` when it publishes none. It can make a platform's
   * default stricter, never weaker.
   */
  readonly revocation?: RevocationPolicy;
  /**
   * Smallest RSA modulus, in bits, accepted in the paths of this vendor's certificates, for a legacy
   * CA that still has RSA-1024 keys (at least 1024). It applies only to paths that end at an anchor
   * labelled with this provider (`{ certificate, provider }`); everything else keeps the platform's
   * floor (`createCertificateTrust`'s `minRsaBits`, default 2048). A value above that floor raises
   * it for this vendor.
   */
  readonly minRsaBits?: number;
}

/**
 * A vendor's lifecycle / service API client (certificate orders, renewal, extension, unlock).
 * Vendor-specific: each provider extends this with its own methods.
 */
export interface ProviderServiceClient {
  /** The provider id it belongs to. */
  readonly providerId: string;
}

/** A CA vendor's plugin. Build one with {@link defineProvider} or {@link createProfileProvider}. */
export interface CaProvider {
  /** Names, aliases and support contacts. */
  readonly info: ProviderInfo;
  /** Recognises the provider's certificates; `null` when it is not one. Never throws, also on foreign or odd certificates. */
  recognize(certificate: Certificate): Recognition | null;
  /** Extracts who the certificate speaks for, through the provider's ordered strategies. Never throws. */
  extractIdentity(certificate: Certificate): ProviderIdentity;
  /** Signature conventions of the vendor's client. */
  readonly signature?: SignatureConventions;
  /** Trust anchors and revocation policy. */
  readonly trust?: ProviderTrust;
  /**
   * extendedKeyUsage OIDs this CA puts on the signing certificates its holders log in with, accepted
   * besides clientAuth (`1.3.6.1.5.5.7.3.2`) and anyExtendedKeyUsage (`2.5.29.37.0`). Some Chinese
   * CAs mark signing certificates emailProtection only; declare it only once confirmed for the CA.
   * A certificate without the extension is not restricted by it.
   */
  readonly loginKeyPurposes?: readonly string[];
  /**
   * Makes the vendor's key-client driver for a login page. Only page-side provider objects carry
   * it: the implementation lives in the package's `./browser` entry, never in its server entry.
   */
  browserDriver?(options?: object): TokenDriver;
  /** Makes the vendor's service API client (lifecycle operations), when the package has one. */
  serviceClient?(options?: object): ProviderServiceClient;
}
