/**
 * The expiry messages suppliers already know from the platforms: 证书即将到期（剩余N天）,
 * 证书已过期, 证书未生效, each with what to do.
 */
import type { ExpiryAssessment } from './assess';

/** An expiry message in both languages. */
export interface ExpiryMessage {
  readonly 'zh-CN': string;
  readonly en: string;
}

// Certificates are issued and read in China: dates are shown in Beijing time (UTC+8, no daylight
// saving since 1991), the time the supplier sees on the platform and on the CA's documents.
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * Describes an assessment in the wording users know, with the relevant date in Beijing time and what
 * to do next: extend before expiry, extend ("repair") after it, wait or check the clock before the start.
 */
export function describeExpiry(assessment: ExpiryAssessment): ExpiryMessage {
  const until = formatBeijingTime(assessment.notAfter);
  switch (assessment.state) {
    case 'expiring':
      return {
        'zh-CN': `证书即将到期（${daysLeftZh(assessment.daysLeft)}），有效期至${until}（北京时间）。请尽快联系CA机构办理证书延期。`,
        en: `The certificate expires soon (${daysLeftEn(assessment.daysLeft)}): valid until ${until} (Beijing time). Ask the CA to extend it soon.`,
      };
    case 'expired':
      return {
        'zh-CN': `证书已过期（有效期至${until}，北京时间）。请联系CA机构办理证书延期（修复）后再使用。`,
        en: `The certificate has expired (valid until ${until}, Beijing time). Ask the CA to extend (repair) it before using it again.`,
      };
    case 'not-yet-valid': {
      const from = formatBeijingTime(assessment.notBefore);
      return {
        'zh-CN': `证书未生效（生效时间${from}，北京时间）。刚办理延期的证书可能要约一个工作日后才能使用；否则请核对系统时间是否正确。`,
        en: `The certificate is not yet valid (valid from ${from}, Beijing time). Just after an extension it can take about a working day to become usable; otherwise check that the system clock is right.`,
      };
    }
    case 'valid':
      return {
        'zh-CN': `证书有效（${daysLeftZh(assessment.daysLeft)}，有效期至${until}，北京时间）。`,
        en: `The certificate is valid (${daysLeftEn(assessment.daysLeft)}, until ${until} Beijing time).`,
      };
  }
}

// daysLeft is 0 in the last day and −1 just past notAfter within the skew: "less than a day" then.
function daysLeftZh(days: number): string {
  return days >= 1 ? `剩余${days}天` : '剩余不足1天';
}

function daysLeftEn(days: number): string {
  if (days < 1) return 'less than a day left';
  return days === 1 ? '1 day left' : `${days} days left`;
}

/** `YYYY-MM-DD HH:mm:ss` in Beijing time; `?` for an invalid date rather than throwing. */
function formatBeijingTime(date: Date): string {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  const t = new Date(ms + BEIJING_OFFSET_MS);
  if (Number.isNaN(t.getTime())) return '?';
  // By hand, not toISOString: 9999-12-31T23:59:59Z (RFC 5280's "no expiry") is in year 10000 here.
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${t.getUTCFullYear()}-${two(t.getUTCMonth() + 1)}-${two(t.getUTCDate())} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}`;
}
