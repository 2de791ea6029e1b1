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
}

const ID = /^[a-z][a-z0-9-]{1,31}$/;
const PHONE = /^\d{3,4}-\d{3,4}(-\d{3,4})?$|^\d{3,4}-\d{7,8}$|^\d{10,12}$/;

function invalid(reason: string): YizhengError {
  return new YizhengError('INVALID_ARGUMENT', { reason });
}

/**
 * Checks and freezes a provider's identity card, so a typo in a plugin (an empty English name, a
 * hotline with letters) fails when the plugin loads rather than in front of a user.
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
  });
}
