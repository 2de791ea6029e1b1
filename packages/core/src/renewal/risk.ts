/**
 * The risk of extending (延期) or repairing (修复) a certificate while bids sealed to its encryption key
 * wait for 开标: if the CA issues the new certificate on a new encryption key, those bids can no longer
 * be decrypted. {@link assessRenewalRisk} finds them; {@link describeRenewalReminder} adds the warning
 * to the expiry reminder.
 */
import { YizhengError } from '../errors/index';
import { describeExpiry, type ExpiryMessage } from '../expiry/describe';
import type { ExpiryAssessment } from '../expiry/assess';
import type { SealedEnvelope, SealedEnvelopeStore } from '../stores/types';

/** A text in both languages. */
export interface RenewalText {
  /** Chinese. */
  readonly 'zh-CN': string;
  /** English. */
  readonly en: string;
}

/** What {@link assessRenewalRisk} takes. */
export interface RenewalRiskInput {
  /** Stores with sealed-envelope records: the stores, or a transaction's `tx`. */
  readonly stores: {
    /** The sealed-envelope records (only `listOpenByRecipient` is used). */
    readonly envelopes: Pick<SealedEnvelopeStore, 'listOpenByRecipient'>;
  };
  /** The encryption certificate (加密证书) about to be extended or repaired: a `Certificate`, or facts with its SHA-256. */
  readonly certificate: {
    /** SHA-256 of the certificate's DER, lowercase hex (as `Certificate.sha256`). */
    readonly sha256: string;
  };
  /** The moment to assess at; default: now. */
  readonly at?: Date;
  /**
   * Ignore envelopes whose 开标 time is at or before this, e.g. records from long ago that were never
   * marked opened. Default: none are ignored (a bid past its 开标 time but not marked opened may still
   * be waiting to be decrypted).
   */
  readonly opensAfter?: Date;
  /** How many envelopes to return in `openEnvelopes` (the count covers all), 0 to 1,000; default 100. */
  readonly maxListed?: number;
}

/** The verdict of {@link assessRenewalRisk}. */
export interface RenewalRisk {
  /** The certificate assessed. */
  readonly sha256: string;
  /** The still-sealed envelopes, earliest 开标 first, at most `maxListed` of them. */
  readonly openEnvelopes: readonly SealedEnvelope[];
  /** How many envelopes are still sealed to the certificate. */
  readonly count: number;
  /** How many of them are past their 开标 time without being marked opened. */
  readonly overdue: number;
  /** The earliest 开标 time among them, or `null` when there are none. */
  readonly earliestOpening: Date | null;
  /** The warning to show, or `null` when no envelope is at risk. */
  readonly message: RenewalText | null;
  /** What to do about it, or `null` when no envelope is at risk. */
  readonly advice: RenewalText | null;
}

const PAGE = 1000;
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/** `YYYY-MM-DD HH:mm` in Beijing time (UTC+8), as 开标 times are announced. */
function beijing(date: Date): string {
  const t = new Date(date.getTime() + BEIJING_OFFSET_MS);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${t.getUTCFullYear()}-${two(t.getUTCMonth() + 1)}-${two(t.getUTCDate())} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}`;
}

function invalid(reason: string): YizhengError {
  return new YizhengError('INVALID_ARGUMENT', { reason });
}

/**
 * Finds the bids still sealed to an encryption certificate, so a platform can warn before the
 * supplier extends or repairs it: 「N份投标文件使用该证书加密，开标前延期可能导致无法解密」. Pages through
 * every such envelope to count them; returns the first `maxListed`.
 *
 * @example
 * ```ts
 * const risk = await assessRenewalRisk({ stores, certificate: encryptionCertificate });
 * if (risk.message !== null) showWarning(risk.message['zh-CN'], risk.advice?.['zh-CN']);
 * ```
 */
export async function assessRenewalRisk(input: RenewalRiskInput): Promise<RenewalRisk> {
  if (typeof input !== 'object' || (input as unknown) === null) throw invalid('input must be an object');
  const { stores, certificate } = input;
  if (typeof stores !== 'object' || (stores as unknown) === null || typeof stores.envelopes !== 'object') {
    throw invalid('stores must have envelopes (createMemoryStores, createSqliteStores or createPostgresStores from @yizheng/core/stores)');
  }
  if (typeof certificate !== 'object' || (certificate as unknown) === null || typeof certificate.sha256 !== 'string') {
    throw invalid('certificate must be a Certificate or facts with its sha256');
  }
  const at = input.at ?? new Date();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw invalid('at must be a valid Date');
  const maxListed = input.maxListed ?? 100;
  if (!Number.isInteger(maxListed) || maxListed < 0 || maxListed > 1000) throw invalid('maxListed must be an integer from 0 to 1000');

  const listed: SealedEnvelope[] = [];
  let count = 0;
  let overdue = 0;
  let earliestOpening: Date | null = null;
  let cursor: string | null = null;
  do {
    const page = await stores.envelopes.listOpenByRecipient(certificate.sha256, {
      limit: PAGE,
      cursor,
      ...(input.opensAfter !== undefined && { opensAfter: input.opensAfter }),
    });
    for (const e of page.items) {
      earliestOpening ??= e.opensAt;
      count++;
      if (e.opensAt.getTime() <= at.getTime()) overdue++;
      if (listed.length < maxListed) listed.push(e);
    }
    cursor = page.nextCursor;
  } while (cursor !== null);

  if (count === 0 || earliestOpening === null) {
    return { sha256: certificate.sha256, openEnvelopes: [], count: 0, overdue: 0, earliestOpening: null, message: null, advice: null };
  }
  const when = beijing(earliestOpening);
  const overdueZh = overdue === 0 ? '' : `（其中${overdue}份已过开标时间、尚未开标）`;
  const overdueEn = overdue === 0 ? '' : ` (${overdue} of them past their opening time but not yet opened)`;
  return {
    sha256: certificate.sha256,
    openEnvelopes: listed,
    count,
    overdue,
    earliestOpening,
    message: {
      'zh-CN': `${count}份投标文件使用该证书加密${overdueZh}，开标前延期可能导致无法解密。最早开标时间：${when}（北京时间）。`,
      en: `${count} ${count === 1 ? 'bid is' : 'bids are'} encrypted to this certificate${overdueEn}: extending it before the bids are opened may make them impossible to decrypt. Earliest opening: ${when} (Beijing time).`,
    },
    advice: {
      'zh-CN': '请先向CA机构确认延期（或修复）后加密证书的密钥保持不变；无法确认时，请在开标之后再办理延期。',
      en: 'Confirm with the CA that the extension (or repair) keeps the encryption key; if it cannot confirm that, extend the certificate after the bids are opened.',
    },
  };
}

/**
 * The expiry reminder (as {@link describeExpiry} words it) followed by the renewal warning and its
 * advice when bids are still sealed to the certificate; the reminder alone when none are.
 */
export function describeRenewalReminder(expiry: ExpiryAssessment, risk: RenewalRisk): ExpiryMessage {
  const reminder = describeExpiry(expiry);
  if (risk.message === null || risk.advice === null) return reminder;
  return {
    'zh-CN': `${reminder['zh-CN']}注意：${risk.message['zh-CN']}${risk.advice['zh-CN']}`,
    en: `${reminder.en} Note: ${risk.message.en} ${risk.advice.en}`,
  };
}
