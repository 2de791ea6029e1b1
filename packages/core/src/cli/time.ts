/**
 * Times as suppliers read them: Beijing time (UTC+8, no daylight saving since 1991), whatever time
 * zone the machine running the CLI is set to. JSON output keeps ISO 8601 in UTC for programs.
 */
import type { Locale } from '../errors/index';

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

const two = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:mm:ss` in Beijing time, without a label; `?` for an invalid date. */
export function beijingClock(date: Date): string {
  const t = new Date(date.getTime() + BEIJING_OFFSET_MS);
  if (Number.isNaN(t.getTime())) return '?';
  // By hand, not toISOString: 9999-12-31T23:59:59Z (RFC 5280's "no expiry") is in year 10000 here.
  return `${t.getUTCFullYear()}-${two(t.getUTCMonth() + 1)}-${two(t.getUTCDate())} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}`;
}

/** The label after a Beijing time: `(北京时间)` / `(Beijing time)`. */
export function beijingLabel(locale: Locale): string {
  return locale === 'en' ? '(Beijing time)' : '(北京时间)';
}

/** `2026-12-02 16:30:00 (北京时间)` / `2026-12-02 16:30:00 (Beijing time)`. */
export function formatBeijingTime(date: Date, locale: Locale): string {
  return `${beijingClock(date)} ${beijingLabel(locale)}`;
}

/** An ISO 8601 UTC timestamp as the library writes them into messages and details. */
const ISO_UTC = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z\b/g;

/** Rewrites every ISO 8601 UTC timestamp in a message (e.g. a CERT_EXPIRED date) as Beijing time. */
export function localizeTimes(text: string, locale: Locale): string {
  return text.replace(ISO_UTC, (iso) => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : formatBeijingTime(date, locale);
  });
}

const TIME_ARG = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,3}))?)?)?\s*(Z|[+-]\d\d:?\d\d)?$/i;

/**
 * Parses a `--now` / `--at` argument: ISO 8601, or the form the CLI prints (`2026-12-02 16:30:00`).
 * Without a zone it is Beijing time, as every time the CLI shows is; a date alone is Beijing
 * midnight. `undefined` when the text is not such a time or names a day that does not exist.
 */
export function parseTimeArgument(text: string): Date | undefined {
  const m = TIME_ARG.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '0', zone] = m;
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)] as const;
  const [year, month, day, hour, minute, second] = fields;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, Number(frac.padEnd(3, '0')));
  // Date.UTC rolls 2027-02-30 over into March: refuse a day the month does not have.
  if (new Date(utc).getUTCDate() !== day) return undefined;
  let offsetMs = BEIJING_OFFSET_MS;
  if (zone !== undefined) {
    if (zone.toUpperCase() === 'Z') offsetMs = 0;
    else {
      const digits = zone.replace(':', '');
      const hours = Number(digits.slice(1, 3));
      const minutes = Number(digits.slice(3, 5));
      if (hours > 14 || minutes > 59) return undefined;
      offsetMs = (digits.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60_000;
    }
  }
  const date = new Date(utc - offsetMs);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
