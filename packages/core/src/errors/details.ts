/**
 * The details of every error code (types only). `YizhengError<C>` carries `ErrorDetailsMap[C]`, and
 * `new YizhengError(code, details)` checks the details against it.
 */
import type { CodeComparisonReasonCode, CodeKind, CodeProblemCode, LocalizedText } from '../codes/types';
import type { ClientErrorDetailsMap } from './details-client';

// Spelt out rather than imported: the modules that define them need Node, and this file is also
// type-checked with the page's sources (details.test.ts checks these stay equal to the originals).
/** As `CertificatePurpose`. */
type Purpose = 'signing' | 'encryption' | 'both' | 'unknown';
/** As `ChallengePurpose`. */
type ChallengeFor = 'login' | 'bind';
/** As `RevocationPolicy`. */
type Policy = 'require' | 'prefer' | 'off';
/** As `CrlReason`. */
type RevocationReason =
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
/** As `IdentityConflict['field']`. */
type ConflictField = 'uscc' | 'orgCode' | 'registrationNumber' | 'personalId';

export type { ClientErrorDetailsMap, PinStatusDetails, VendorErrorDetails } from './details-client';

/** A free-text reason (the message's `{reason}`), and the CLI's own errors give it in Chinese too. */
type Reason = {
  readonly reason: string;
  /** The reason in Chinese (the CLI's own errors, whose `reason` is English). */
  readonly reasonZh?: string;
};

/**
 * What every certificate-path failure (`CERT_UNTRUSTED`, `CERT_EXPIRED`, `CERT_NOT_YET_VALID`,
 * `CERT_REVOKED`, `REVOCATION_UNAVAILABLE`) says about the certificate it names, and why.
 */
export type PathFailureDetails = {
  /** Subject DN, RFC 4514 order. */
  readonly subject: string;
  /** Issuer DN. */
  readonly issuer: string;
  /** Serial number, uppercase hex. */
  readonly serialNumber: string;
  /** SHA-256 fingerprint of the DER, lowercase hex. */
  readonly sha256: string;
  /** Position in the path: 0 is the leaf. */
  readonly position: number;
  /** Why, in Chinese. */
  readonly reason: string;
  /** Why, in English. */
  readonly reasonEn: string;
};

/** The two codes of a failed comparison, with their kinds in both languages. */
type ComparedCodes = {
  /** The certificate's code, as shown to the user. */
  readonly certificateCode: string;
  /** Its kind in Chinese (e.g. 统一社会信用代码). */
  readonly certificateKind: string;
  readonly certificateKindEn: string;
  /** The account's code, as shown to the user. */
  readonly accountCode: string;
  readonly accountKind: string;
  readonly accountKindEn: string;
  /** Why the comparison decided as it did. */
  readonly reason: CodeComparisonReasonCode;
  /** The `explainCodeMismatch` text. */
  readonly explanation: LocalizedText;
};

/**
 * The `details` of each error code: the fields its producers set. Optional fields are those some
 * producers leave out; `reason` is a string-literal union where the set of reasons is closed.
 */
export interface ErrorDetailsMap extends ClientErrorDetailsMap {
  INVALID_ARGUMENT: Reason & {
    /** The argument at fault, where one is named (e.g. `assessExpiry`'s `now`). */
    readonly argument?: string;
  };
  CERT_MALFORMED: Reason;
  CODE_INVALID: {
    /** The problems in Chinese. */
    readonly reason: string;
    /** The problems in English. */
    readonly reasonEn: string;
    /** `parseEnterpriseCode`: the problems' stable codes, the code's kind and its normalised form. */
    readonly problems?: readonly CodeProblemCode[];
    readonly kind?: CodeKind;
    readonly normalized?: string;
    /** `assertSameEnterprise`: which side is invalid, both codes, and the explanation. */
    readonly side?: 'certificate' | 'account' | 'both';
    readonly certificateCode?: string;
    readonly accountCode?: string;
    readonly explanation?: LocalizedText;
  };
  ENTERPRISE_CODE_MISMATCH: ComparedCodes;
  ENTERPRISE_CODE_UNDECIDED: ComparedCodes;
  ENTERPRISE_CODE_CONFLICT: {
    /** The provider that read the certificate. */
    readonly provider: string;
    /** The contradicting values (ID numbers masked), `a / b; c / d`. */
    readonly codes: string;
    /** Where they were found. */
    readonly sources: string;
    /** Which fields conflict (login and binding set it). */
    readonly fields?: readonly ConflictField[];
    /** The issuing CA's name in Chinese and English, and its hotline(s) (`-` when unknown). */
    readonly caName: string;
    readonly caNameEn: string;
    readonly hotline: string;
  };
  INPUT_TOO_LARGE: {
    /** What was too large (`signature`, `standard input`, a file path). */
    readonly what: string;
    /** The limit in bytes. */
    readonly limit: number;
  };
  FILE_UNREADABLE: {
    readonly path: string;
    /** The system error code, e.g. `ENOENT`. */
    readonly reason: string;
  };
  SIGNATURE_MALFORMED: Reason;
  SIGNATURE_INVALID: Reason;
  ENVELOPE_MALFORMED: Reason;
  ENVELOPE_NOT_FOR_THIS_KEY: {
    /** The certificate's serial number, uppercase hex. */
    readonly serialNumber: string;
    /** Its issuer, as text. */
    readonly issuer: string;
    /** How many recipients the envelope has. */
    readonly recipients: number;
  };
  ENVELOPE_DECRYPT_FAILED: Reason;
  CERT_UNTRUSTED: PathFailureDetails;
  CERT_EXPIRED: PathFailureDetails & {
    /** ISO 8601. */
    readonly notAfter: string;
    /** ISO 8601 (path validation sets it, with `at`). */
    readonly notBefore?: string;
    /** The validation time, ISO 8601. */
    readonly at?: string;
  };
  CERT_NOT_YET_VALID: PathFailureDetails & {
    /**
     * Why, in Chinese; or `renewed-not-yet-valid` when a login's certificate (signature and chain
     * verified) is the not-yet-valid successor of the bound one, after an extension or repair (its
     * catalogue text then applies; `reasonEn` still says when it becomes valid).
     */
    readonly reason: string;
    /** ISO 8601. */
    readonly notBefore: string;
    /** ISO 8601 (path validation sets it, with `at`). */
    readonly notAfter?: string;
    /** The validation time, ISO 8601. */
    readonly at?: string;
  };
  CERT_REVOKED: PathFailureDetails & {
    /** ISO 8601, or `-` when the answer gave none. */
    readonly revocationTime: string;
    readonly revocationReason: string;
    readonly revocationReasonEn: string;
    /** The CRLReason, when the answer gave one. */
    readonly crlReason?: RevocationReason | undefined;
    /** Which answer said so. */
    readonly source: 'ocsp' | 'crl';
    readonly url: string;
  };
  REVOCATION_UNAVAILABLE: PathFailureDetails & {
    readonly policy: Policy;
    /** Why each source failed. */
    readonly attempts: readonly string[];
  };
  ALREADY_BOUND: {
    /** The holding account (masked when the binding flow reports it). */
    readonly accountId: string;
    /** The holding binding's id: for the platform's logs and support, never shown in the message. */
    readonly bindingId: string;
    /** The scope the holding binding is in. */
    readonly scope: string;
    /**
     * `other-scope`: the holding binding is in another scope than the platform's current one (an
     * accepted scope, 一证通用), so it is unbound on that scope's platform.
     */
    readonly reason?: 'other-scope';
    /** Set by the stores. */
    readonly identityKey?: string;
    readonly serialNumber?: string;
  };
  BINDING_CHANGED: {
    readonly bindingId: string;
    readonly expectedSerial: string;
    readonly actualSerial: string;
  };
  ORDER_TRANSITION_INVALID: {
    readonly orderId: string;
    /** As `ServiceOrderKind`. */
    readonly kind: string;
    /** As `ServiceOrderState`: the state the event is not allowed in. */
    readonly state: string;
    /** As `ServiceOrderEvent`. */
    readonly event: string;
    /** The state's label in Chinese and English (e.g. 已续费，未延期). */
    readonly stateLabel: string;
    readonly stateLabelEn: string;
  };
  ORDER_CHANGED: {
    readonly orderId: string;
    /** As `ServiceOrderState`. */
    readonly expectedState: string;
    readonly actualState: string;
  };
  TOKEN_MALFORMED: Reason;
  CHALLENGE_NOT_FOUND: { readonly purpose: ChallengeFor };
  CHALLENGE_EXPIRED: {
    readonly purpose: ChallengeFor;
    /** ISO 8601. */
    readonly expiresAt: string;
  };
  PROVIDER_UNKNOWN: {
    /** The provider id asked for, or the issuer DN when none was. */
    readonly provider: string;
    /** The provider that recognised the certificate instead. */
    readonly recognisedAs?: string;
  };
  CERT_WRONG_PURPOSE: {
    readonly purpose: Purpose;
    readonly serialNumber: string;
    /**
     * `extended-key-usage`: keyUsage allows signing but extendedKeyUsage forbids login.
     * `encryption-certificate-mismatch`: the token's encryption certificate is not the signing
     * certificate's partner (then `purpose` and `serialNumber` are the encryption certificate's).
     */
    readonly reason?: 'extended-key-usage' | 'encryption-certificate-mismatch';
    /** The extended key usages, by name (with `reason: 'extended-key-usage'`). */
    readonly extKeyUsage?: string;
    /**
     * Which check the encryption certificate failed (with `reason: 'encryption-certificate-mismatch'`):
     * `issuer` (another issuer name or CA key), `holder` (another company or holder), `key-usage` (no
     * keyEncipherment or dataEncipherment), `not-yet-valid` or `expired`.
     */
    readonly mismatch?: 'issuer' | 'holder' | 'key-usage' | 'not-yet-valid' | 'expired';
  };
  IDENTITY_NOT_FOUND: {
    readonly provider: string;
    readonly subject: string;
  };
  CERT_SUPERSEDED: {
    readonly serialNumber: string;
    readonly boundSerialNumber: string;
    /** ISO 8601. */
    readonly boundNotBefore: string;
  };
  NOT_BOUND: {
    readonly provider: string;
    readonly serialNumber: string;
    /** The entity the certificate names (`null` when it names none), for the page's binding offer. */
    readonly entityName?: string | null;
    /** `renewed-with-new-key`: the company is bound with another key (a re-keyed or a colleague's certificate). */
    readonly reason?: 'renewed-with-new-key';
  };
  BIND_FORBIDDEN: {
    readonly actorAccountId: string;
    readonly targetAccountId: string;
    /**
     * Why: `not-admin`, an employee (not an administrator) acting for another account;
     * `other-organization`, an administrator acting on an account of another organisation;
     * `admin-only`, someone other than the organisation's administrator setting a certificate's
     * administrator flag or permissions (when binding, or with `setBindingPermissions`).
     */
    readonly reason?: 'not-admin' | 'other-organization' | 'admin-only';
  };
  BINDING_NOT_FOUND: { readonly bindingId: string };
  /** Nobody is signed in to the platform's session. */
  SIGN_IN_REQUIRED: Readonly<Record<string, never>>;
  PERMISSION_DENIED: {
    readonly permission: string;
    /** How the session authenticated. */
    readonly method: 'password' | 'certificate';
  };
  INTERNAL_ERROR: Reason;
}
