import { YizhengError } from '../errors/index';

/** A support contact shown to users when their CA must act (change a code, unlock a PIN, renew). */
export interface SupportContact {
  /** What the line is for, as the CA words it (e.g. 服务热线). */
  readonly label: string;
  /** Phone number as users dial it, e.g. `400-880-9888`. */
  readonly phone: string;
}

/** Who a CA is: the part of a provider that platforms show to people. */
export interface ProviderInfo {
  /** Stable lower-case id, e.g. `bjca`. */
  readonly id: string;
  /** Display names. */
  readonly names: { readonly 'zh-CN': string; readonly en: string };
  /** Other names users and platforms call this CA (e.g. 北京CA, 北京数字认证). */
  readonly aliases: readonly string[];
  /** Support hotlines, first the one to show. */
  readonly support: readonly SupportContact[];
  /**
   * The CA's own online service pages (https URLs), for a platform to link from an expiry reminder or
   * an order list: `apply` (申领), `renew` (续费), `extend` (延期), `repair` (修复). Only pages the CA
   * publishes itself; a page not known is left out.
   */
  readonly servicePages?: {
    /** Applying for a certificate (证书申领). */
    readonly apply?: string;
    /** Paying for a renewal (续费). */
    readonly renew?: string;
    /** Extending a certificate's validity (延期). */
    readonly extend?: string;
    /** Repairing a certificate (证书修复). */
    readonly repair?: string;
  };
}

const SERVICE_PAGES = ['apply', 'renew', 'extend', 'repair'] as const;

const ID = /^[a-z][a-z0-9-]{1,31}$/;
const PHONE = /^\d{3,4}-\d{3,4}(-\d{3,4})?$|^\d{3,4}-\d{7,8}$|^\d{10,12}$/;

function invalid(reason: string): YizhengError {
  return new YizhengError('INVALID_ARGUMENT', { reason });
}

/** Checks and freezes the service pages: known keys only, each an https URL without credentials. */
function servicePagesOf(id: string, pages: unknown): NonNullable<ProviderInfo['servicePages']> {
  if (typeof pages !== 'object' || pages === null || Array.isArray(pages)) throw invalid(`provider ${id}: servicePages must be an object`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(pages)) {
    if (!(SERVICE_PAGES as readonly string[]).includes(key)) {
      throw invalid(`provider ${id}: unknown service page "${key}" (one of ${SERVICE_PAGES.join(', ')})`);
    }
    if (value === undefined) continue;
    let url: URL | undefined;
    try {
      url = typeof value === 'string' ? new URL(value.trim()) : undefined;
    } catch {
      url = undefined;
    }
    if (url === undefined || url.protocol !== 'https:' || url.hostname === '' || url.username !== '' || url.password !== '') {
      throw invalid(`provider ${id}: the ${key} service page must be an https URL`);
    }
    out[key] = url.href;
  }
  return Object.freeze(out);
}

/**
 * Checks and freezes a provider's identity card, so a typo in a plugin (an empty English name, a
 * hotline with letters, a service page that is not an https URL) fails when the plugin loads rather
 * than in front of a user.
 */
export function defineProviderInfo(info: ProviderInfo): ProviderInfo {
  if (!ID.test(info.id)) throw invalid(`provider id "${info.id}" must be lower-case letters, digits and hyphens`);
  const zh = info.names['zh-CN'].trim();
  const en = info.names.en.trim();
  if (zh === '' || en === '') throw invalid(`provider ${info.id} needs both a zh-CN and an en name`);
  if (!/^[\x20-\x7e]+$/.test(en)) throw invalid(`provider ${info.id}: the en name must be plain ASCII`);
  for (const contact of info.support) {
    if (!PHONE.test(contact.phone)) throw invalid(`provider ${info.id}: "${contact.phone}" is not a phone number`);
  }
  return Object.freeze({
    id: info.id,
    names: Object.freeze({ 'zh-CN': zh, en }),
    aliases: Object.freeze([...new Set(info.aliases.map((a) => a.trim()).filter((a) => a !== ''))]),
    support: Object.freeze(info.support.map((c) => Object.freeze({ label: c.label.trim(), phone: c.phone }))),
    ...(info.servicePages !== undefined && { servicePages: servicePagesOf(info.id, info.servicePages) }),
  });
}
