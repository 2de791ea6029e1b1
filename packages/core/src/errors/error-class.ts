/**
 * The shape every Yizheng error has, built over a message catalogue. The server's `YizhengError`
 * uses the full catalogue; the page's (in `@yizheng/core/client`) only the codes a page can meet, so
 * the browser bundle stays small. Both are named `YizhengError`, and {@link isYizhengError} accepts
 * either.
 */

import type { MenuNames } from './menus';

/** Locales Yizheng speaks. zh-CN is the default: the people at the keyboard are Chinese suppliers. */
export type Locale = 'zh-CN' | 'en';

/** Machine-readable facts about an error; message placeholders are filled from them. */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * Both messages (with `{name}` placeholders) and the remedy. In the server's catalogue `{menu:bind}`
 * and `{menu:unbind}` stand for the platform's menu names (see `MenuNames`), filled by the server's
 * `YizhengError` in the text's language; this class leaves them as they are.
 */
export interface ErrorText {
  /** zh-CN message template. */
  readonly zh: string;
  /** English message template. */
  readonly en: string;
  /** What the user or the integrating developer should do next, in both languages. */
  readonly remedy: { readonly zh: string; readonly en: string };
}

/**
 * A catalogue entry: the texts of a code, and texts for particular cases of it, chosen by the
 * error's `details.reason` (e.g. `NOT_BOUND` with `reason: 'renewed-with-new-key'`). The code stays
 * the contract; a reason only makes the words fit the case.
 */
export interface ErrorEntry extends ErrorText {
  /** Texts for particular `details.reason` values. */
  readonly reasons?: Readonly<Record<string, ErrorText>>;
}

function textOf(entry: ErrorEntry, details: ErrorDetails): ErrorText {
  const reason = details['reason'];
  return (typeof reason === 'string' && entry.reasons !== undefined && Object.hasOwn(entry.reasons, reason) ? entry.reasons[reason] : undefined) ?? entry;
}

/** The plain object a Yizheng error serialises to. */
export interface ErrorJson<Code extends string> {
  /** The stable code. */
  readonly code: Code;
  /** The message in both languages. */
  readonly message: { readonly 'zh-CN': string; readonly en: string };
  /** The remedy in both languages. */
  readonly remedy: { readonly 'zh-CN': string; readonly en: string };
  /** The details. */
  readonly details: ErrorDetails;
}

const PLACEHOLDER = /\{(\w+)\}/g;

function fill(template: string, details: ErrorDetails): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = details[name];
    if (value === undefined || value === null) return whole;
    return value instanceof Date ? value.toISOString() : String(value);
  });
}

/** Options of a Yizheng error's constructor. */
export interface YizhengErrorOptions {
  /** The locale of `message` (zh-CN by default). */
  readonly locale?: Locale;
  /** The error that led to this one. */
  readonly cause?: unknown;
  /** The platform's menu names for the remedy (the defaults fill the rest); the server's `YizhengError` reads them. */
  readonly menus?: MenuNames;
}

/**
 * A Yizheng error's constructor arguments after the code: the details (required when the code's
 * details have required fields), then the options.
 */
export type ErrorArgs<Details> = Record<never, never> extends Details
  ? [details?: Details, options?: YizhengErrorOptions]
  : [details: Details, options?: YizhengErrorOptions];

/**
 * @internal Builds the error class for a catalogue (see the module comment); `Map` gives each
 * code's details. The class is generic in its code: `details` is `Map[C]` (with any other key
 * readable as `unknown`, so code that has not narrowed the code can still look a field up).
 */
export function createErrorClass<Map extends { readonly [K in keyof Map]: ErrorDetails }>(catalogue: Readonly<Record<keyof Map & string, ErrorEntry>>) {
  type Code = keyof Map & string;
  return class YizhengErrorBase<C extends Code = Code> extends Error {
    override readonly name = 'YizhengError';
    /** The stable, documented code. */
    readonly code: C;
    /** Facts about the error, frozen: the fields of the code's details type. */
    readonly details: Map[C] & ErrorDetails;
    /** The locale of `message`. */
    readonly locale: Locale;

    /** `details` must fit the code's details type; they fill the message's placeholders. */
    constructor(code: C, ...args: ErrorArgs<Map[C]>);
    constructor(code: C, details: ErrorDetails = {}, options: YizhengErrorOptions = {}) {
      const locale = options.locale ?? 'zh-CN';
      const entry = textOf(catalogue[code], details);
      super(fill(locale === 'en' ? entry.en : entry.zh, details), { cause: options.cause });
      this.code = code;
      this.details = Object.freeze({ ...details }) as Map[C] & ErrorDetails;
      this.locale = locale;
    }

    /** The message in the given locale. */
    localizedMessage(locale: Locale): string {
      const entry = textOf(catalogue[this.code], this.details);
      return fill(locale === 'en' ? entry.en : entry.zh, this.details);
    }

    /** What to do next, in the error's locale. */
    get remedy(): string {
      return this.localizedRemedy(this.locale);
    }

    /** What to do next, in the given locale. */
    localizedRemedy(locale: Locale): string {
      const entry = textOf(catalogue[this.code], this.details);
      return fill(locale === 'en' ? entry.remedy.en : entry.remedy.zh, this.details);
    }

    /** A plain object safe to send to a page or a log: code, both messages, remedy, details. */
    toJSON(): ErrorJson<C> {
      return {
        code: this.code,
        message: { 'zh-CN': this.localizedMessage('zh-CN'), en: this.localizedMessage('en') },
        remedy: { 'zh-CN': this.localizedRemedy('zh-CN'), en: this.localizedRemedy('en') },
        details: this.details,
      };
    }
  };
}

/**
 * @internal True when `value` is a Yizheng error from any entry or bundle copy (the server's and the
 * page's classes differ, so `instanceof` alone would miss one), optionally with the given code.
 */
export function hasYizhengErrorShape(value: unknown, code?: string): boolean {
  if (!(value instanceof Error) || value.name !== 'YizhengError') return false;
  const v = value as { code?: unknown };
  return typeof v.code === 'string' && (code === undefined || v.code === code);
}
