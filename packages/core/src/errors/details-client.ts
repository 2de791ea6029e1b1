/**
 * The details of the errors a page can meet, by code (types only: nothing here reaches a bundle).
 * The server's {@link ErrorDetailsMap} extends this map with its own codes.
 */
import type { PinStatus } from '../client/token-driver';

/**
 * What a driver that reads a key client's own error keeps of it. Any client code can carry these: a
 * vendor code is mapped to whichever code it means (SOF error tables, BJCA XTX, CFCA CryptoKit).
 */
export type VendorErrorDetails = {
  /** The client function that failed, e.g. `SOF_SignData`. */
  readonly fn?: string;
  /** The client's error code as it sent it. */
  readonly vendorCode?: number | string;
  /** The client's own words (at most 200 characters), or `fn: code` when it gave none. */
  readonly vendorText?: string;
  /** CFCA CryptoKit's `errorcode`, as it came (`null` when absent). */
  readonly errorcode?: unknown;
  /** The certificate the call was about. */
  readonly certId?: string;
  /** BJCA's `SOF_GetPinRetryCount` answer when it was neither a count nor zero. */
  readonly retryCount?: number;
  /** The key client's name. */
  readonly client?: string;
};

/** The {@link PinStatus} fields a PIN error carries (all of them where the driver knows them). */
export type PinStatusDetails = { readonly [K in keyof PinStatus]?: PinStatus[K] };

/**
 * The `details` of each page-side error code: the fields its producers set. Optional fields are
 * those some producers leave out; `reason` is a string-literal union where a code's reasons are a
 * closed set (they choose the message, see `ErrorEntry.reasons`).
 */
export interface ClientErrorDetailsMap {
  CLIENT_NOT_RUNNING: VendorErrorDetails & {
    /** The key client, as users know it (e.g. 证书应用环境, CFCA CryptoKit). */
    readonly client: string;
    /** The local address tried first. */
    readonly url?: string | undefined;
    /** Every local address tried. */
    readonly tried?: readonly string[];
    /** Which part is missing, for clients that are an extension with a local program. */
    readonly reason?: 'extension-missing' | 'host-missing' | 'browser-unsupported';
    /** What the extension said (at most 200 characters). */
    readonly text?: string;
  };
  CLIENT_PROTOCOL_ERROR: VendorErrorDetails & {
    /** What was wrong with the answer (or, from the bridge, with the page's request). */
    readonly reason: string;
  };
  CLIENT_REPORTED_ERROR: VendorErrorDetails & { readonly vendorText: string };
  TOKEN_NOT_PRESENT: VendorErrorDetails & {
    /** The software token's key id. */
    readonly keyId?: string;
  };
  CERT_NOT_FOUND: VendorErrorDetails & {
    /** Why the PKCS#11 bridge found no certificate (free text). */
    readonly reason?: string;
  };
  PIN_INCORRECT: VendorErrorDetails &
    PinStatusDetails & {
      /** The tries-left sentence in Chinese (e.g. 还有3次机会。). */
      readonly retriesZh: string;
      /** The tries-left sentence in English. */
      readonly retriesEn: string;
    };
  PIN_LOCKED: VendorErrorDetails &
    PinStatusDetails & {
      /** `contact-ca`: the CA's own words, naming it in `ca`. */
      readonly reason?: 'contact-ca';
      /** The CA to contact (with `reason: 'contact-ca'`). */
      readonly ca?: string;
    };
  PIN_FINAL_TRY: VendorErrorDetails & {
    /** 1, or `null` when the key cannot tell (then `reason` is `tries-unknown`). */
    readonly remaining: number | null;
    readonly reason?: 'tries-unknown';
  };
  PIN_LEN_RANGE: VendorErrorDetails & {
    /** Fewest characters (`?` when the key did not say). */
    readonly min: number | '?';
    /** Most characters (`?` when the key did not say). */
    readonly max: number | '?';
  };
  PIN_MUST_CHANGE: VendorErrorDetails & PinStatusDetails;
  DEVICE_REMOVED: VendorErrorDetails & {
    /** The software token's key id. */
    readonly keyId?: string;
  };
  USER_CANCELLED: VendorErrorDetails & {
    /** Where the user cancelled (e.g. the mobile-certificate service). */
    readonly where?: string;
  };
  MECHANISM_UNSUPPORTED: VendorErrorDetails & {
    /** The algorithm or mechanism the key lacks. */
    readonly mechanism: string;
  };
  PIN_REJECTED: VendorErrorDetails & {
    /** Why the key (or the bridge) refused the new PIN (free text). */
    readonly reason: string;
  };
  ORIGIN_NOT_APPROVED: VendorErrorDetails & { readonly origin: string };
  HOST_NOT_ALLOWED: VendorErrorDetails & { readonly host: string };
  BRIDGE_RATE_LIMITED: VendorErrorDetails & { readonly retryAfterSeconds: number };
  SIGN_TEXT_REFUSED: VendorErrorDetails & {
    /** What is wrong with the text (free text). */
    readonly reason: string;
  };
  TOKEN_LOGIN_REQUIRED: VendorErrorDetails;
  QR_CODE_EXPIRED: VendorErrorDetails & {
    /** The service path whose answer (or wait) expired. */
    readonly what: string;
  };
}
