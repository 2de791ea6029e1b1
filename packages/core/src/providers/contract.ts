/**
 * The contract every CA provider meets. Core stays vendor-neutral: where a CA hides the enterprise
 * code, which SM2 user id its client signs with and which anchors it chains to all live in a provider.
 */
import type { Certificate } from '../cert/index';
import type { SignatureFormat } from '../crypto/index';
import type { ProviderInfo } from './info';

/** How sure a provider is that it issued a certificate, and why. */
export interface Recognition {
  /** 0 (not at all) to 1 (certain, e.g. its own policy arc and issuer name). */
  readonly confidence: number;
  /** What matched: issuer names, policy OID arcs, authority key ids. */
  readonly evidence: readonly string[];
}

/** Who a certificate speaks for, with where each value was found. */
export interface ProviderIdentity {
  /** The entity's name (company or person). */
  readonly entityName: string | undefined;
  /** Unified social credit code, normalised. */
  readonly uscc?: string;
  /** Organisation code, normalised (9 characters, no hyphen). */
  readonly orgCode?: string;
  /** Business registration number. */
  readonly registrationNumber?: string;
  /** Personal ID number (handle as personal data). */
  readonly personalId?: string;
  /** The vendor's own unique id for the subject (e.g. BJCA `JJ…`), when it has one. */
  readonly vendorUid?: string;
  /** Where each field came from, e.g. `{ uscc: 'extension:1.2.156.10260.4.1.4' }`. */
  readonly source: Readonly<Record<string, string>>;
}

/** How a CA's key client signs: what the server needs to verify its signatures. */
export interface SignatureConventions {
  /** SM2 user id its client hashes into Z; default `1234567812345678`. */
  readonly sm2UserId?: string;
  /** Encodings its client emits, in the order to expect them. */
  readonly formats?: readonly SignatureFormat[];
}

/** A CA vendor's plugin. */
export interface CaProvider {
  /** Names, aliases and support contacts. */
  readonly info: ProviderInfo;
  /** Recognises the provider's certificates; `null` when it is not one. Never throws. */
  recognize(certificate: Certificate): Recognition | null;
  /** Extracts who the certificate speaks for. Never throws. */
  extractIdentity(certificate: Certificate): ProviderIdentity;
  /** Signature conventions of the vendor's client. */
  readonly signature?: SignatureConventions;
}
