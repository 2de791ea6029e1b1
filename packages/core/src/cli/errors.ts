/**
 * How the CLI shows a YizhengError: the catalogue's message in the chosen language (with the CLI's
 * own reasons in both languages and dates in Beijing time), and a remedy that makes sense in a
 * terminal. The catalogue's remedies are written for the login page ("refresh the page", "log in
 * again"); where one is, the CLI says what to do with the command instead.
 */
import { ERROR_CATALOGUE, isYizhengError, YizhengError, type ErrorDetails, type Locale, type YizhengErrorCode } from '../errors/index';
import { localizeTimes } from './time';

/** A reason in both languages. */
export interface CliReason {
  readonly zh: string;
  readonly en: string;
}

/**
 * An error the CLI raises itself, with its reason in both languages: `details.reason` in English
 * (as the library writes reasons for developers) and `details.reasonZh` in Chinese.
 */
export function cliError(code: YizhengErrorCode, reason: CliReason, details: ErrorDetails = {}): YizhengError {
  return new YizhengError(code, { ...details, reason: reason.en, reasonZh: reason.zh });
}

/**
 * A wrong command line (unknown command or option, missing or bad argument): `INVALID_ARGUMENT`,
 * exit 2, shown with the usage of `command` (or of every command).
 */
export class UsageError extends YizhengError {
  /** The command whose usage to show, when known. */
  readonly command: string | undefined;

  constructor(reason: CliReason, details: ErrorDetails = {}, command?: string) {
    super('INVALID_ARGUMENT', { ...details, reason: reason.en, reasonZh: reason.zh });
    this.command = command;
  }
}

/** True for a {@link UsageError} (a type guard: `instanceof` alone narrows to YizhengError here). */
export function isUsageError(value: unknown): value is UsageError {
  return value instanceof UsageError;
}

/** The errno codes a file read can meet, in words. */
const ERRNO: Readonly<Record<string, CliReason>> = {
  ENOENT: { zh: '文件不存在', en: 'no such file' },
  EACCES: { zh: '没有读取权限', en: 'permission denied' },
  EPERM: { zh: '没有读取权限', en: 'permission denied' },
  EISDIR: { zh: '这是一个文件夹，不是文件', en: 'it is a folder, not a file' },
  ENOTDIR: { zh: '路径中有一段不是文件夹', en: 'a part of the path is not a folder' },
  ELOOP: { zh: '符号链接循环', en: 'too many symbolic links' },
  ENAMETOOLONG: { zh: '路径过长', en: 'the path is too long' },
};

/** The details as the message should show them in `locale`. */
function shownDetails(err: YizhengError, locale: Locale): ErrorDetails {
  const details = err.details;
  const reasonZh = details['reasonZh'];
  if (locale === 'zh-CN' && typeof reasonZh === 'string') return { ...details, reason: reasonZh };
  const errno = details['reason'];
  if (err.code === 'FILE_UNREADABLE' && typeof errno === 'string' && Object.hasOwn(ERRNO, errno)) {
    const words = ERRNO[errno] as CliReason;
    return { ...details, reason: locale === 'en' ? `${words.en}, ${errno}` : `${words.zh}，${errno}` };
  }
  return details;
}

function isCatalogued(code: string): code is YizhengErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, code);
}

/** The error's message as the CLI shows it. */
export function cliMessage(err: YizhengError, locale: Locale): string {
  const text = isCatalogued(err.code) ? new YizhengError(err.code, shownDetails(err, locale)).localizedMessage(locale) : err.message;
  return localizeTimes(text, locale);
}

/**
 * Remedies for a terminal, where the catalogue's assume the login page or the platform's server.
 * `{name}` is filled from the error's details.
 */
export const CLI_REMEDIES: Readonly<Partial<Record<YizhengErrorCode, CliReason>>> = {
  INVALID_ARGUMENT: {
    zh: '运行 yizheng --help 查看命令和选项的用法。',
    en: 'Run yizheng --help to see the commands and their options.',
  },
  CERT_MALFORMED: {
    zh: '请确认文件是 X.509 证书（PEM、DER 或 Base64 编码），而不是私钥、证书请求、PFX/P12 或其他文件；可以用CA机构的证书管理工具从UKey导出签名证书（.cer）后再试。',
    en: "Make sure the file is an X.509 certificate (PEM, DER or base64), not a private key, a certificate request, a PFX/P12 or another file; export the signing certificate (.cer) from the key with the CA's certificate manager and try again.",
  },
  INPUT_TOO_LARGE: {
    zh: '请确认给出的是证书、签名或原文文件，而不是其他文件（上限 {limit} 字节）。',
    en: 'Make sure you gave a certificate, signature or data file, not some other file (limit {limit} bytes).',
  },
  SIGNATURE_MALFORMED: {
    zh: '请确认 --signature 是完整的签名值（DER、r‖s、SKF 或 PKCS#7/CMS），并由 --cert 证书的密钥算法生成；格式无法自动识别时，请用 --format 指定。',
    en: "Check that --signature is the complete signature (DER, r‖s, SKF or PKCS#7/CMS) made with the algorithm of the --cert certificate's key; if its format cannot be detected, pass --format.",
  },
  SIGNATURE_INVALID: {
    zh: '签名与原文或证书不匹配：请确认 --data 是被签名的原文（逐字节一致），--cert 是签名所用的证书；SM2 签名还要确认 --sm2-user-id 与签名客户端使用的一致。',
    en: 'The signature does not match the data or the certificate: check that --data holds exactly the signed bytes and --cert is the certificate that signed; for SM2, that --sm2-user-id is the one the signing client used.',
  },
  CERT_UNTRUSTED: {
    zh: '请用 --anchor 给出该CA的根证书、用 --intermediate 给出中级证书后重试；如证书链完整仍不受信任，请联系颁发证书的CA机构。',
    en: "Give the CA's root certificate with --anchor and its intermediate certificates with --intermediate, then try again; if the complete chain is still not trusted, contact the issuing CA.",
  },
  CERT_EXPIRED: {
    zh: '请联系颁发证书的CA机构办理证书延期（已过期的证书可办理修复）；如需检查过去某一时刻，请用 --at 指定时间。',
    en: 'Ask the issuing CA to extend (or, once expired, repair) the certificate; to check the chain at an earlier moment, pass --at.',
  },
  CERT_NOT_YET_VALID: {
    zh: '请检查本机时间是否正确；证书刚办理延期或更新时，要到生效时间后（通常一个工作日内）才能使用。如需检查某一时刻，请用 --at 指定时间。',
    en: "Check this computer's clock; just after an extension or renewal a certificate only becomes usable at its start time (usually within a working day). To check the chain at another moment, pass --at.",
  },
  CERT_WRONG_PURPOSE: {
    zh: '请改用UKey中的签名证书（不是加密证书）：用CA机构的证书管理工具导出签名证书后再试；如证书用途有误，请联系颁发证书的CA机构。',
    en: "Use the key's signing certificate (not the encryption certificate): export it with the CA's certificate manager and try again; if its usage is wrong, contact the issuing CA.",
  },
  REVOCATION_UNAVAILABLE: {
    zh: 'yizheng verify-chain 离线运行，只检查 --crl 给出的CRL：请从CA机构下载签发该证书的CA当前有效的CRL，用 --crl 给出后重试。',
    en: "yizheng verify-chain works offline and checks only the CRLs given with --crl: download the issuing CA's current CRL and pass it with --crl.",
  },
  INTERNAL_ERROR: {
    zh: '这是 Yizheng 的缺陷而不是您的输入问题：请将此信息和所运行的命令一并反馈给 Yizheng 的维护者。',
    en: 'This is a defect in Yizheng, not a problem with your input: please report it to the Yizheng maintainers with this message and the command you ran.',
  },
};

/** Words that tie a remedy to the login page, the browser or the platform's server. */
export const PAGE_SPECIFIC =
  /刷新|页面|网页|浏览器|重新登录|登录后|服务器|平台|窗口|reload|refresh|\bpage\b|browser|log in again|sign in again|server|platform|window/i;

const GENERIC_REMEDY: CliReason = {
  zh: '请检查命令的输入文件和参数（yizheng --help）；如问题与证书本身有关，请联系颁发证书的CA机构。',
  en: 'Check the input files and options of the command (yizheng --help); if the problem lies with the certificate itself, contact the issuing CA.',
};

function fill(template: string, details: ErrorDetails): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = details[name];
    return value === undefined || value === null ? whole : String(value);
  });
}

/** What to do next, in a terminal. */
export function cliRemedy(err: YizhengError, locale: Locale): string {
  const override = CLI_REMEDIES[err.code];
  if (override) return localizeTimes(fill(locale === 'en' ? override.en : override.zh, err.details), locale);
  const catalogue = isCatalogued(err.code) ? new YizhengError(err.code, err.details).localizedRemedy(locale) : err.remedy;
  // A remedy written for the page (none of the above): say something true in a terminal instead.
  if (PAGE_SPECIFIC.test(catalogue)) return locale === 'en' ? GENERIC_REMEDY.en : GENERIC_REMEDY.zh;
  return localizeTimes(catalogue, locale);
}

/** The plain object `--json` prints for an error: `{ code, message, remedy, details }` as the CLI words them. */
export function cliErrorJson(err: YizhengError): { code: string; message: { 'zh-CN': string; en: string }; remedy: { 'zh-CN': string; en: string }; details: ErrorDetails } {
  return {
    ...err.toJSON(),
    message: { 'zh-CN': cliMessage(err, 'zh-CN'), en: cliMessage(err, 'en') },
    remedy: { 'zh-CN': cliRemedy(err, 'zh-CN'), en: cliRemedy(err, 'en') },
  };
}

/** `yizheng: [CODE] message` and the remedy on the next line. */
export function cliErrorText(err: YizhengError, locale: Locale): string {
  return `yizheng: [${err.code}] ${cliMessage(err, locale)}\n${cliRemedy(err, locale)}`;
}

/** Any thrown value as a YizhengError: the error itself, or INTERNAL_ERROR for a defect of ours. */
export function asYizhengError(err: unknown): YizhengError {
  if (err instanceof YizhengError) return err;
  if (isYizhengError(err)) {
    // From another copy of the library (a provider package's): same code and details.
    const other = err as { code: string; details?: ErrorDetails };
    if (isCatalogued(other.code)) return new YizhengError(other.code, other.details ?? {}, { cause: err });
  }
  return new YizhengError('INTERNAL_ERROR', { reason: err instanceof Error ? err.message : String(err) }, { cause: err });
}
