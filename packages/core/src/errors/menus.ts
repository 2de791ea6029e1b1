/**
 * The platform's own menu names in remedies. A remedy that sends the user to a page of the platform
 * (binding, unbinding) names it by a `{menu:<key>}` placeholder; each platform calls those pages
 * differently (关联数字证书, CA绑定与解绑, …), so it supplies its names (`createYizheng({ menus })`,
 * `YizhengContext.menus`, {@link withMenuNames}) and the neutral defaults fill the rest.
 */
import type { Locale } from './error-class';

/** The platform pages a remedy can send the user to: `bind` (binding a certificate), `unbind` (removing a binding). */
export type MenuKey = 'bind' | 'unbind';

/**
 * A menu's name in each language, without brackets or quotes (the remedy adds them: 【…】 in
 * Chinese, '…' in English). A language left out keeps the default name.
 */
export interface MenuName {
  /** The Chinese name, e.g. `关联数字证书`. */
  readonly 'zh-CN'?: string;
  /** The English name, e.g. `Link certificate`. */
  readonly en?: string;
}

/** The platform's menu names, by {@link MenuKey}; a menu left out keeps the default name ({@link DEFAULT_MENU_NAMES}). */
export type MenuNames = { readonly [K in MenuKey]?: MenuName };

/** Every menu with both names: what a checked configuration holds. */
export type ResolvedMenuNames = { readonly [K in MenuKey]: { readonly 'zh-CN': string; readonly en: string } };

/** The names remedies use when the platform gives none: 证书绑定 / Certificate binding for both menus. */
export const DEFAULT_MENU_NAMES: ResolvedMenuNames = Object.freeze({
  bind: Object.freeze({ 'zh-CN': '证书绑定', en: 'Certificate binding' }),
  unbind: Object.freeze({ 'zh-CN': '证书绑定', en: 'Certificate binding' }),
});

/** Longest menu name accepted, in characters. */
export const MAX_MENU_NAME_LENGTH = 64;

const MENU_KEYS: readonly MenuKey[] = ['bind', 'unbind'];
const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
// Control characters (C0, DEL, C1) and line or paragraph separators have no place in a menu name.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** @internal The name of `key` in `locale`: the platform's when it gives a usable one, else the default. */
export function menuName(menus: MenuNames | undefined, key: string, locale: Locale): string | undefined {
  if (!Object.hasOwn(DEFAULT_MENU_NAMES, key)) return undefined;
  const k = key as MenuKey;
  const given = menus !== undefined && Object.hasOwn(menus, k) ? menus[k]?.[locale] : undefined;
  return typeof given === 'string' && given.trim() !== '' ? given : DEFAULT_MENU_NAMES[k][locale];
}

const MENU_PLACEHOLDER = /\{menu:(\w+)\}/g;

/** @internal Fills the `{menu:<key>}` placeholders of a text in `locale`; an unknown key stays visible. */
export function fillMenuNames(text: string, menus: MenuNames | undefined, locale: Locale): string {
  return text.replace(MENU_PLACEHOLDER, (whole, key: string) => menuName(menus, key, locale) ?? whole);
}

/** @internal The problem with `value` as menu names, reported as `what` (e.g. `config.menus`), or undefined. */
function menuProblem(value: unknown, what: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${what} must be an object { bind?, unbind? } of menu names`;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(MENU_KEYS as readonly string[]).includes(key)) return `${what}.${key} is not a menu (menus are ${MENU_KEYS.join(', ')})`;
    const name = record[key];
    if (name === undefined) continue;
    if (typeof name !== 'object' || name === null || Array.isArray(name)) return `${what}.${key} must be an object { 'zh-CN'?, en? } of names`;
    const names = name as Record<string, unknown>;
    for (const locale of Object.keys(names)) {
      if (!(LOCALES as readonly string[]).includes(locale)) return `${what}.${key}.${locale} is not a locale (use 'zh-CN' or 'en')`;
      const text = names[locale];
      if (text === undefined) continue;
      const at = `${what}.${key}['${locale}']`;
      if (typeof text !== 'string') return `${at} must be a string`;
      if (text.trim() === '') return `${at} must not be empty`;
      if ([...text].length > MAX_MENU_NAME_LENGTH) return `${at} must be at most ${MAX_MENU_NAME_LENGTH} characters`;
      if (CONTROL.test(text)) return `${at} must not contain control characters or line breaks`;
    }
  }
  return undefined;
}

/**
 * @internal Checks menu names and returns every menu with both names (the defaults filled in),
 * frozen; each value is read once. Returns the problem as a string, for the caller to throw as its
 * own `INVALID_ARGUMENT`.
 */
export function resolveMenuNames(value: unknown, what: string): ResolvedMenuNames | string {
  if (value === undefined) return DEFAULT_MENU_NAMES;
  // Copy first, so a getter answering differently on a second read cannot slip past the checks.
  let copy: Record<string, unknown>;
  try {
    copy = copyMenus(value);
  } catch {
    return `${what} must be an object { bind?, unbind? } of menu names`;
  }
  const problem = menuProblem(copy, what);
  if (problem !== undefined) return problem;
  const resolved = {} as Record<MenuKey, { readonly 'zh-CN': string; readonly en: string }>;
  for (const key of MENU_KEYS) {
    resolved[key] = Object.freeze({ 'zh-CN': menuName(copy as MenuNames, key, 'zh-CN') ?? '', en: menuName(copy as MenuNames, key, 'en') ?? '' });
  }
  return Object.freeze(resolved);
}

function copyMenus(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(value)) {
    out[key] = typeof name === 'object' && name !== null && !Array.isArray(name) ? { ...(name as object) } : name;
  }
  return out;
}

/** The error {@link withMenuNames} works on: a Yizheng error of this package. */
interface MenuCarrier {
  readonly name: string;
  message: string;
  stack?: string;
  readonly locale: Locale;
  localizedMessage(locale: Locale): string;
}

/**
 * @internal Sets an error's menu names and locale in place and rewrites `message` (and the head of
 * `stack`) to match; code, details, cause and stack frames stay.
 */
export function relabelError(error: MenuCarrier, locale: Locale, menus: MenuNames | undefined): void {
  const before = error.message;
  if (menus !== undefined) Object.defineProperty(error, 'menus', { value: menus, writable: false, configurable: true, enumerable: false });
  if (locale !== error.locale) Object.defineProperty(error, 'locale', { value: locale, writable: false, configurable: true, enumerable: true });
  const message = error.localizedMessage(locale);
  if (message === before) return;
  Object.defineProperty(error, 'message', { value: message, writable: true, configurable: true, enumerable: false });
  if (typeof error.stack === 'string') {
    const head = `${error.name}: ${before}`;
    if (error.stack.startsWith(head)) {
      Object.defineProperty(error, 'stack', { value: `${error.name}: ${message}${error.stack.slice(head.length)}`, writable: true, configurable: true });
    }
  }
}
