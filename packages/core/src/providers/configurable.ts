/**
 * Providers for CAs whose certificate layout is not published (Huixin, CMCA): the
 * recognition facts and identity OIDs can be configured at run time, once a vendor confirms them;
 * until then they fall back to the GM/T 0015 OIDs and the subject DN, and recognise by what is
 * assumed from the vendor's name.
 */
import type { CaProvider, ProviderTrust, SignatureConventions } from './contract';
import { createProfileProvider } from './define';
import type { ProviderInfo } from './info';
import type { RecognitionProfile } from './recognition';
import {
  extensionStrategy,
  gmt0015Strategy,
  subjectNameStrategy,
  type IdentityStrategy,
  type IdentityValueKind,
} from './strategies';

/** An identity extension a vendor confirmed, read before the GM/T 0015 ones. */
export interface ConfiguredIdentityOid {
  /** Extension OID. */
  readonly oid: string;
  /** How to read it; default `auto` (by shape, prefixes stripped). */
  readonly as?: IdentityValueKind;
  /** Also keep the whole value as the vendor's unique id. */
  readonly vendorUid?: boolean;
}

/** What a platform (or the vendor) configures on a provider whose layout is not public. */
export interface ConfigurableProviderOptions {
  /** Identity extensions, tried in order before GM/T 0015 and the DN. */
  readonly identityOids?: readonly ConfiguredIdentityOid[];
  /** Parts of the issuer's O, OU or CN that name the vendor's CAs (weight 0.8). */
  readonly issuerNames?: readonly string[];
  /** certificatePolicies arcs of the vendor (weight 0.9). */
  readonly policyArcs?: readonly string[];
  /** Key identifiers (hex) of the vendor's issuing CAs (weight 0.95). */
  readonly authorityKeyIds?: readonly string[];
  /** Hosts of the vendor's CRL / OCSP URLs (weight 0.6). */
  readonly urlHosts?: readonly string[];
  /** Keep the built-in assumed facts (default true); false recognises by the configured facts only. */
  readonly assumedDefaults?: boolean;
  /** Trust anchors and revocation policy. */
  readonly trust?: ProviderTrust;
  /** Signature conventions of the vendor's client (replacing the defaults). */
  readonly signature?: SignatureConventions;
  /**
   * extendedKeyUsage OIDs the vendor confirmed on its signing certificates, accepted for login
   * besides clientAuth and anyExtendedKeyUsage (see `CaProvider.loginKeyPurposes`).
   */
  readonly loginKeyPurposes?: readonly string[];
}

/** The fixed part of a configurable provider: who it is and what is assumed about it. */
export interface ConfigurableProviderBase {
  /** Names, aliases and support contacts. */
  readonly info: ProviderInfo;
  /** Recognition facts assumed until the vendor confirms its own (each rule marked `assumed`). */
  readonly assumed: RecognitionProfile;
  /** Default signature conventions. */
  readonly signature?: SignatureConventions;
}

/**
 * Builds a provider from assumed facts plus configured ones: recognition by the assumed profile and
 * the configured issuer names, policy arcs, key ids and hosts (marked `configured` in the
 * evidence); identity from the configured OIDs, then GM/T 0015 (2023 `1.2.156.10260.4.4`, 2012
 * `1.2.156.10260.4.1.*`) and the subject DN, the entity name from O then CN.
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` for a malformed OID, key id or host.
 */
export function createConfigurableProvider(base: ConfigurableProviderBase, options: ConfigurableProviderOptions = {}): CaProvider {
  const assumed = options.assumedDefaults === false ? {} : base.assumed;
  const recognition: RecognitionProfile = {
    issuer: [...(assumed.issuer ?? []), ...(options.issuerNames ?? []).map((contains) => ({ contains, weight: 0.8, basis: 'configured' as const }))],
    policyArcs: [...(assumed.policyArcs ?? []), ...(options.policyArcs ?? []).map((arc) => ({ arc, basis: 'configured' as const }))],
    extensionArcs: [...(assumed.extensionArcs ?? [])],
    authorityKeyIds: [...(assumed.authorityKeyIds ?? []), ...(options.authorityKeyIds ?? []).map((keyId) => ({ keyId, basis: 'configured' as const }))],
    urlHosts: [...(assumed.urlHosts ?? []), ...(options.urlHosts ?? []).map((host) => ({ host, basis: 'configured' as const }))],
    subject: [...(assumed.subject ?? [])],
  };
  const identity: IdentityStrategy[] = [
    ...(options.identityOids ?? []).map((o) =>
      extensionStrategy(o.oid, { ...(o.as !== undefined && { as: o.as }), ...(o.vendorUid !== undefined && { vendorUid: o.vendorUid }), name: `configured identity extension ${o.oid}` }),
    ),
    gmt0015Strategy(),
    subjectNameStrategy(['O', 'CN']),
  ];
  const signature = options.signature ?? base.signature;
  return createProfileProvider({
    info: base.info,
    recognition,
    identity,
    ...(signature !== undefined && { signature }),
    ...(options.trust !== undefined && { trust: options.trust }),
    ...(options.loginKeyPurposes !== undefined && { loginKeyPurposes: options.loginKeyPurposes }),
  });
}
