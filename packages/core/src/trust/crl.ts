/**
 * X.509 v2 CRLs (RFC 5280 §5): a strict DER parser and the rules for using one to decide a
 * certificate's status.
 */
import { DerError, DerReader, Tag } from '../asn1/der';
import { checkBitString, checkInteger, decodeBoolean, decodeTime, integerToBigInt, integerToSignedHex, isNegativeInteger, toHex } from '../asn1/decode';
import type { Certificate, DistinguishedName } from '../cert/index';
import { readName } from '../cert/name';
import { readAlgorithmIdentifier, readExtensionList, verifySignedData, type AlgorithmIdentifier } from './signed';

/** CRLReason (RFC 5280 §5.3.1). */
export type CrlReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise';

/** CRLReason names by code (7 is unused). */
export const CRL_REASONS: ReadonlyArray<CrlReason | undefined> = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  undefined,
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
];

/** Chinese names of the reasons, as platform staff say them (certificateHold is 冻结, "frozen"). */
export const CRL_REASON_ZH: Readonly<Record<CrlReason, string>> = {
  unspecified: '未说明原因',
  keyCompromise: '密钥泄露',
  cACompromise: 'CA密钥泄露',
  affiliationChanged: '隶属关系变更',
  superseded: '证书已被替换',
  cessationOfOperation: '停止使用',
  certificateHold: '证书已冻结',
  removeFromCRL: '从作废列表中移除',
  privilegeWithdrawn: '权限被撤销',
  aACompromise: '属性机构密钥泄露',
};

/** One revoked certificate entry. */
export interface RevokedEntry {
  /**
   * Serial number as {@link Certificate.serialNumber} writes it: uppercase hex, a negative one with a
   * leading `-`. Equal text means equal DER INTEGER content, so the sign is never lost.
   */
  readonly serialNumber: string;
  /** revocationDate. */
  readonly revocationDate: Date;
  /** reasonCode entry extension, when present. */
  readonly reason?: CrlReason | undefined;
  /** invalidityDate entry extension, when present. */
  readonly invalidityDate?: Date | undefined;
}

/** The issuingDistributionPoint flags (RFC 5280 §5.2.5) Yizheng looks at. */
export interface IssuingDistributionPoint {
  readonly onlyContainsUserCerts: boolean;
  readonly onlyContainsCACerts: boolean;
  readonly onlySomeReasons: boolean;
  readonly indirectCRL: boolean;
  readonly onlyContainsAttributeCerts: boolean;
}

/** A parsed CRL. */
export interface ParsedCrl {
  /** The CertificateList DER. */
  readonly der: Uint8Array;
  /** The TBSCertList DER (what the issuer signed). */
  readonly tbs: Uint8Array;
  /** The signature algorithm. */
  readonly signatureAlgorithm: AlgorithmIdentifier;
  /** The signature bits. */
  readonly signatureValue: Uint8Array;
  /** The CRL issuer. */
  readonly issuer: DistinguishedName;
  /** thisUpdate. */
  readonly thisUpdate: Date;
  /** nextUpdate (required here, as RFC 5280 §5.1.2.5 requires conforming CRL issuers to include it). */
  readonly nextUpdate: Date;
  /** cRLNumber, when present. */
  readonly crlNumber?: bigint | undefined;
  /** authorityKeyIdentifier keyIdentifier, lowercase hex, when present. */
  readonly authorityKeyIdentifier?: string | undefined;
  /** issuingDistributionPoint, when present. */
  readonly issuingDistributionPoint?: IssuingDistributionPoint | undefined;
  /** True for a delta CRL (deltaCRLIndicator): not usable as a complete CRL. */
  readonly isDelta: boolean;
  /**
   * Why the CRL breaks the RFC 5280 CRL profile although it parses (cRLNumber missing or critical,
   * §5.2.3), or undefined. Such a CRL is not used ({@link crlUnusableReason}).
   */
  readonly profileProblem?: string | undefined;
  /** Revoked entries by serial number. */
  readonly revoked: ReadonlyMap<string, RevokedEntry>;
}

const EXT = {
  authorityKeyIdentifier: '2.5.29.35',
  cRLNumber: '2.5.29.20',
  deltaCRLIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  freshestCRL: '2.5.29.46',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  issuerAltName: '2.5.29.18',
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  certificateIssuer: '2.5.29.29',
} as const;

function readTime(r: DerReader): number {
  r.next();
  return decodeTime(r.bytes, r.tag, r.contentStart, r.contentEnd);
}

/**
 * Iterates the Extensions SEQUENCE that is the reader's current TLV, calling `each` with the OID,
 * the critical flag and a reader positioned to read the extnValue contents (entered); duplicates
 * are refused.
 */
function readExtensions(r: DerReader, each: (oid: string, critical: boolean, r: DerReader) => void): void {
  readExtensionList(r, (oid, critical, x) => {
    x.enterEncapsulated();
    each(oid, critical, x);
    x.leave('extnValue');
  });
}

/** Skips the rest of the current region (for extensions read as opaque). */
function skipRest(r: DerReader): void {
  while (!r.done) r.next();
}

function readIdp(r: DerReader): IssuingDistributionPoint {
  r.expect(Tag.SEQUENCE, 'issuingDistributionPoint');
  r.enter();
  const flag = (tag: number): boolean => {
    if (!r.optional(tag)) return false;
    const v = decodeBoolean(r.bytes, r.contentStart, r.contentEnd);
    if (!v) throw new DerError('issuingDistributionPoint: an explicit FALSE is not DER', r.start);
    return v;
  };
  if (r.optional(0xa0)) {
    /* distributionPoint name: not compared (see checkCrlScope) */
  }
  const onlyContainsUserCerts = flag(0x81);
  const onlyContainsCACerts = flag(0x82);
  const onlySomeReasons = r.optional(0x83);
  if (onlySomeReasons) checkBitString(r.bytes, r.contentStart, r.contentEnd);
  const indirectCRL = flag(0x84);
  const onlyContainsAttributeCerts = flag(0x85);
  r.leave('issuingDistributionPoint');
  return { onlyContainsUserCerts, onlyContainsCACerts, onlySomeReasons, indirectCRL, onlyContainsAttributeCerts };
}

/**
 * Parses a DER CertificateList strictly: v2 only; DER throughout (see asn1/der); the inner and
 * outer signature algorithms byte-identical; nextUpdate present; known CRL extensions
 * (authorityKeyIdentifier, cRLNumber, deltaCRLIndicator, issuingDistributionPoint, freshestCRL,
 * authorityInfoAccess, issuerAltName) well formed, any other critical one refused (a missing or
 * critical cRLNumber parses but is recorded in {@link ParsedCrl.profileProblem}); entry
 * extensions reasonCode and invalidityDate read, certificateIssuer (indirect CRLs) and unknown
 * critical entry extensions refused; no duplicate serial numbers.
 *
 * @throws {DerError} for anything else.
 */
export function parseCrl(der: Uint8Array): ParsedCrl {
  const r = new DerReader(der);
  r.expect(Tag.SEQUENCE, 'CertificateList');
  r.finish('the CRL');
  r.enter();
  r.expect(Tag.SEQUENCE, 'tbsCertList');
  const tbsStart = r.start;
  const tbsEnd = r.contentEnd;
  r.enter();
  if (r.peek() !== Tag.INTEGER) throw new DerError('only v2 CRLs are accepted (the version is missing)', r.pos);
  r.expect(Tag.INTEGER, 'version');
  checkInteger(der, r.contentStart, r.contentEnd);
  if (r.contentEnd - r.contentStart !== 1 || der[r.contentStart] !== 1) throw new DerError('only v2 CRLs are accepted', r.start);
  r.expect(Tag.SEQUENCE, 'signature');
  const innerAlg = der.subarray(r.start, r.contentEnd);
  r.expect(Tag.SEQUENCE, 'issuer');
  const issuer = readName(r, true);
  const thisUpdate = readTime(r);
  const t = r.peek();
  if (t !== Tag.UTCTime && t !== Tag.GeneralizedTime) throw new DerError('nextUpdate is required', r.pos);
  const nextUpdate = readTime(r);
  const revoked = new Map<string, RevokedEntry>();
  if (r.optional(Tag.SEQUENCE)) {
    r.enter();
    while (!r.done) {
      r.expect(Tag.SEQUENCE, 'revokedCertificate');
      r.enter();
      r.expect(Tag.INTEGER, 'userCertificate');
      const serialNumber = integerToSignedHex(der, r.contentStart, r.contentEnd);
      const revocationDate = readTime(r);
      let reason: CrlReason | undefined;
      let invalidityDate: Date | undefined;
      if (r.optional(Tag.SEQUENCE)) {
        readExtensions(r, (oid, critical, x) => {
          if (oid === EXT.reasonCode) {
            x.expect(Tag.ENUMERATED, 'reasonCode');
            const code = x.contentEnd - x.contentStart === 1 ? (der[x.contentStart] ?? -1) : -1;
            reason = CRL_REASONS[code];
            if (reason === undefined) throw new DerError('invalid CRL reason code', x.start);
          } else if (oid === EXT.invalidityDate) {
            x.expect(Tag.GeneralizedTime, 'invalidityDate');
            invalidityDate = new Date(decodeTime(der, x.tag, x.contentStart, x.contentEnd));
          } else if (oid === EXT.certificateIssuer) {
            throw new DerError('indirect CRLs (certificateIssuer) are not supported', x.pos);
          } else if (critical) {
            throw new DerError(`unsupported critical CRL entry extension ${oid}`, x.pos);
          } else {
            skipRest(x);
          }
        });
      }
      r.leave('revokedCertificate');
      if (revoked.has(serialNumber)) throw new DerError(`serial number ${serialNumber} listed twice`, r.pos);
      revoked.set(serialNumber, Object.freeze({ serialNumber, revocationDate: new Date(revocationDate), reason, invalidityDate }));
    }
    r.leave('revokedCertificates');
  }
  let crlNumber: bigint | undefined;
  let authorityKeyIdentifier: string | undefined;
  let issuingDistributionPoint: IssuingDistributionPoint | undefined;
  let isDelta = false;
  let crlNumberCritical = false;
  if (r.optional(0xa0)) {
    r.enter();
    r.expect(Tag.SEQUENCE, 'crlExtensions');
    readExtensions(r, (oid, critical, x) => {
      switch (oid) {
        case EXT.cRLNumber:
        case EXT.deltaCRLIndicator: {
          x.expect(Tag.INTEGER, oid === EXT.cRLNumber ? 'cRLNumber' : 'deltaCRLIndicator');
          if (isNegativeInteger(der, x.contentStart)) throw new DerError('negative CRL number', x.start);
          const v = integerToBigInt(der, x.contentStart, x.contentEnd);
          if (oid === EXT.cRLNumber) {
            crlNumber = v;
            crlNumberCritical = critical;
          } else isDelta = true;
          break;
        }
        case EXT.authorityKeyIdentifier:
          x.expect(Tag.SEQUENCE, 'authorityKeyIdentifier');
          x.enter();
          if (x.optional(0x80)) authorityKeyIdentifier = toHex(der, x.contentStart, x.contentEnd);
          skipRest(x);
          x.leave('authorityKeyIdentifier');
          break;
        case EXT.issuingDistributionPoint:
          issuingDistributionPoint = readIdp(x);
          break;
        case EXT.freshestCRL:
        case EXT.authorityInfoAccess:
        case EXT.issuerAltName:
          x.next();
          break;
        default:
          if (critical) throw new DerError(`unsupported critical CRL extension ${oid}`, x.pos);
          skipRest(x);
      }
    });
    r.leave('crlExtensions');
  }
  r.leave('tbsCertList');
  r.expect(Tag.SEQUENCE, 'signatureAlgorithm');
  const outerAlg = der.subarray(r.start, r.contentEnd);
  if (Buffer.compare(innerAlg, outerAlg) !== 0) throw new DerError('signature algorithm in tbsCertList differs from signatureAlgorithm', r.start);
  const signatureAlgorithm = readAlgorithmIdentifier(r);
  r.expect(Tag.BIT_STRING, 'signatureValue');
  if (checkBitString(der, r.contentStart, r.contentEnd) !== 0) throw new DerError('signatureValue has unused bits', r.start);
  const signatureValue = der.slice(r.contentStart + 1, r.contentEnd);
  r.leave('CertificateList');
  return Object.freeze({
    der,
    tbs: der.slice(tbsStart, tbsEnd),
    signatureAlgorithm,
    signatureValue,
    issuer,
    thisUpdate: new Date(thisUpdate),
    nextUpdate: new Date(nextUpdate),
    crlNumber,
    authorityKeyIdentifier,
    issuingDistributionPoint,
    isDelta,
    profileProblem:
      crlNumber === undefined
        ? 'the CRL has no cRLNumber extension, which RFC 5280 §5.2.3 requires'
        : crlNumberCritical
          ? 'the CRL cRLNumber extension is critical, which RFC 5280 §5.2.3 forbids'
          : undefined,
    revoked,
  });
}

/** Why a CRL cannot be used for a certificate, or undefined when it can. */
export function crlUnusableReason(crl: ParsedCrl, issuer: Certificate): string | undefined {
  if (!crl.issuer.equals(issuer.subject)) return 'the CRL issuer is not the certificate issuer (indirect CRLs are not supported)';
  if (crl.profileProblem !== undefined) return crl.profileProblem;
  if (crl.isDelta) return 'delta CRLs are not supported';
  const ku = issuer.keyUsage;
  if (ku !== undefined && !ku.includes('cRLSign')) return 'the issuer keyUsage lacks cRLSign';
  const ski = issuer.subjectKeyIdentifier;
  if (crl.authorityKeyIdentifier !== undefined && ski !== undefined && crl.authorityKeyIdentifier !== ski) {
    return 'the CRL authorityKeyIdentifier does not match the issuer key';
  }
  const v = verifySignedData(issuer, crl.signatureAlgorithm, crl.tbs, crl.signatureValue);
  if (!v.ok) return `the CRL signature is not valid: ${v.reason}`;
  return undefined;
}

/** Why the CRL does not cover `certificate` (its scope), or undefined when it does. */
export function crlScopeProblem(crl: ParsedCrl, certificate: Certificate): string | undefined {
  const idp = crl.issuingDistributionPoint;
  if (idp === undefined) return undefined;
  if (idp.indirectCRL) return 'indirect CRLs are not supported';
  if (idp.onlySomeReasons) return 'partial CRLs (onlySomeReasons) are not supported';
  if (idp.onlyContainsAttributeCerts) return 'the CRL only covers attribute certificates';
  const isCa = certificate.basicConstraints?.ca === true;
  if (idp.onlyContainsUserCerts && isCa) return 'the CRL only covers end-entity certificates';
  if (idp.onlyContainsCACerts && !isCa) return 'the CRL only covers CA certificates';
  return undefined;
}

/** Freshness of a CRL at `at`: thisUpdate not in the future beyond `skewMs`, nextUpdate not passed. */
export function crlFreshnessProblem(crl: ParsedCrl, at: Date, skewMs: number, maxAgeMs: number | undefined): string | undefined {
  const t = at.getTime();
  if (crl.thisUpdate.getTime() > t + skewMs) return `the CRL thisUpdate ${crl.thisUpdate.toISOString()} is in the future`;
  if (crl.nextUpdate.getTime() < t - skewMs) return `the CRL expired at its nextUpdate ${crl.nextUpdate.toISOString()}`;
  if (maxAgeMs !== undefined && crl.thisUpdate.getTime() < t - maxAgeMs) return `the CRL is older than ${maxAgeMs} ms`;
  return undefined;
}
