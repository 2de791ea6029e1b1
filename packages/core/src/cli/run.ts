/**
 * The `yizheng` command line. Every failure a user can cause ends in a YizhengError with a stable
 * code, worded in the chosen language (`--lang`, default zh-CN), never a stack trace: exit 1 for
 * invalid input, 2 for a wrong command line (`INVALID_ARGUMENT`). With `--json` the error is printed
 * as JSON on standard output (`{ "error": { code, message, remedy, details } }`), like every result.
 */
import { parseArgs } from 'node:util';
import type { SignatureFormat } from '../crypto/index';
import { isYizhengError, type Locale, type YizhengError } from '../errors/index';
import { runCode, runCompare } from './code';
import { asYizhengError, cliErrorJson, cliErrorText, isUsageError, UsageError } from './errors';
import { inspectCertificates } from './inspect';
import { readCertificateSource, readSource, MAX_INPUT } from './input';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, type CliIo } from './io';
import { loadCliProviders } from './providers';
import { makeTestCa, TEST_CA_PROFILES, type TestCaProfile } from './test-ca';
import { parseTimeArgument } from './time';
import { checkChain, checkSignature, signatureFromFile, type CheckOutcome } from './verify';

const LANG = '[--lang zh-CN|en]';

/** Each command's usage lines and the options it takes. */
const COMMANDS = {
  inspect: {
    usage: `  yizheng inspect <file|-> [--json] [--verbose] [--now <time>] ${LANG}
      证书信息（主体名称、主体代码、CA机构、序列号、有效期、到期状态）/ certificate facts, its CA and enterprise code
      --verbose：代码来源、识别依据、已加载的CA插件 / code sources, recognition evidence, provider packages loaded`,
    options: { json: 'boolean', lang: 'string', now: 'string', verbose: 'boolean' },
  },
  code: {
    usage: `  yizheng code <value> [--json] ${LANG}
      校验企业代码 / validate an enterprise code (USCC, organisation code, registration number)
  yizheng code compare <a> <b> [--json] ${LANG}
      比较两个企业代码是否为同一主体 / do two codes identify the same entity?`,
    options: { json: 'boolean', lang: 'string' },
  },
  'verify-signature': {
    usage: `  yizheng verify-signature --cert <file> --data <file> --signature <file|base64>
                           [--format auto|der|raw|skf|cms] [--sm2-user-id <id>] [--json] ${LANG}
      验证签名 / verify a signature (exit 0 valid, 1 invalid)`,
    options: { json: 'boolean', lang: 'string', cert: 'string', data: 'string', signature: 'string', format: 'string', 'sm2-user-id': 'string' },
  },
  'verify-chain': {
    usage: `  yizheng verify-chain <leaf> --anchor <file>... [--intermediate <file>...] [--crl <file>...]
                       [--at <time>] [--json] ${LANG}
      验证证书链（离线，仅使用给出的CRL）/ validate a certificate chain (offline)`,
    options: { json: 'boolean', lang: 'string', at: 'string', anchor: 'strings', intermediate: 'strings', crl: 'strings' },
  },
  'test-ca': {
    usage: `  yizheng test-ca <dir> [--profile generic|bjca|cfca] [--key ec|rsa|sm2] [--uscc <code>]
                  [--company <name>] [--holder <name>] [--expired | --not-yet-valid] [--revoked] [--json] ${LANG}
      生成测试CA与签名/加密证书（仅供测试）/ a test CA and a key's certificates (tests only)`,
    options: {
      json: 'boolean', lang: 'string', profile: 'string', key: 'string', uscc: 'string', company: 'string', holder: 'string',
      expired: 'boolean', 'not-yet-valid': 'boolean', revoked: 'boolean',
    },
  },
} as const satisfies Record<string, { usage: string; options: Record<string, 'boolean' | 'string' | 'strings'> }>;

type CommandName = keyof typeof COMMANDS;

const FOOTER = `  yizheng --version | --help | <command> --help

  <time>: 不带时区时为北京时间 / without a zone, Beijing time: 2027-01-01 08:00:00, 2027-01-01T08:00:00+08:00
  --json：结果和错误都以 JSON 输出到标准输出 / results and errors as JSON on standard output

退出码 / Exit: 0 成功 success, 1 输入无效 invalid input, 2 用法错误 usage.`;

const USAGE = `用法 / Usage:\n${Object.values(COMMANDS).map((c) => c.usage).join('\n')}\n${FOOTER}`;

function usageOf(command: string | undefined): string {
  if (command !== undefined && Object.hasOwn(COMMANDS, command)) {
    return `用法 / Usage:\n${COMMANDS[command as CommandName].usage}\n\n  yizheng --help：全部命令 / every command`;
  }
  return USAGE;
}

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** Parses `--lang`: zh-CN (also zh) or en; `undefined` for anything else. */
function localeOf(value: string): Locale | undefined {
  const v = value.toLowerCase();
  return v === 'zh-cn' || v === 'zh' ? 'zh-CN' : v === 'en' ? 'en' : undefined;
}

interface Parsed {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: string[];
  readonly locale: Locale;
  readonly json: boolean;
  readonly help: boolean;
}

const usage = (command: string | undefined, zh: string, en: string, details: Record<string, unknown> = {}): UsageError =>
  new UsageError({ zh, en }, details, command);

/**
 * Parses a command's arguments, refusing unknown options, options without their value, values on
 * flags and repeated single options with a usage error in both languages.
 */
function parseCommand(command: CommandName, args: string[]): Parsed {
  const spec = COMMANDS[command].options as Record<string, 'boolean' | 'string' | 'strings'>;
  const { values, positionals, tokens } = parseArgs({
    args,
    allowPositionals: true,
    strict: false,
    tokens: true,
    options: {
      ...Object.fromEntries(Object.entries(spec).map(([name, type]) => [name, type === 'boolean' ? { type: 'boolean' } : { type: 'string', multiple: type === 'strings' }])),
      help: { type: 'boolean', short: 'h' },
    },
  });
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const { name, rawName } = token;
    if (name === 'help') continue;
    const type = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (type === undefined) {
      throw usage(command, `${command} 没有选项 ${rawName}`, `${command} has no option ${rawName}`, { option: rawName });
    }
    if (type === 'boolean') {
      if (token.value !== undefined) throw usage(command, `选项 ${rawName} 不接受取值`, `option ${rawName} takes no value`, { option: rawName });
    } else if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
      throw usage(command, `选项 ${rawName} 缺少取值`, `option ${rawName} needs a value`, { option: rawName });
    }
    if (type !== 'strings' && seen.has(name)) throw usage(command, `选项 ${rawName} 只能给一次`, `option ${rawName} can be given once only`, { option: rawName });
    seen.add(name);
  }
  const lang = values['lang'];
  let locale: Locale = 'zh-CN';
  if (typeof lang === 'string') {
    const l = localeOf(lang);
    if (!l) throw usage(command, `--lang 应为 zh-CN 或 en，而不是“${lang}”`, `--lang must be zh-CN or en, not "${lang}"`, { option: '--lang', value: lang });
    locale = l;
  }
  return { values: values as Parsed['values'], positionals, locale, json: values['json'] === true, help: values['help'] === true };
}

function str(parsed: Parsed, name: string): string | undefined {
  const v = parsed.values[name];
  return typeof v === 'string' ? v : undefined;
}

function list(parsed: Parsed, name: string): string[] {
  const v = parsed.values[name];
  return Array.isArray(v) ? v : [];
}

function timeOption(command: CommandName, parsed: Parsed, name: 'now' | 'at'): Date {
  const text = str(parsed, name);
  if (text === undefined) return new Date();
  const date = parseTimeArgument(text);
  if (!date) {
    throw usage(
      command,
      `--${name} 应为时间，如 2027-01-01 08:00:00（北京时间）或 2027-01-01T08:00:00+08:00，而不是“${text}”`,
      `--${name} must be a time such as 2027-01-01 08:00:00 (Beijing time) or 2027-01-01T08:00:00+08:00, not "${text}"`,
      { option: `--${name}`, value: text },
    );
  }
  return date;
}

function printHelp(io: CliIo, command?: string): number {
  io.stdout(`${usageOf(command)}\n`);
  return EXIT_OK;
}

function print(io: CliIo, outcome: CheckOutcome, json: boolean): number {
  io.stdout(`${json ? JSON.stringify(outcome.json, null, 2) : outcome.text}\n`);
  return outcome.ok ? EXIT_OK : EXIT_INVALID;
}

async function dispatch(argv: string[], io: CliIo, version: string): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') return printHelp(io);
  if (command === 'help') return printHelp(io, rest[0]);
  if (command === '--version' || command === '-v') {
    io.stdout(`${version}\n`);
    return EXIT_OK;
  }
  if (command === undefined || command.startsWith('-')) {
    throw usage(undefined, '缺少命令（inspect、code、verify-signature、verify-chain 或 test-ca）', 'missing command (inspect, code, verify-signature, verify-chain or test-ca)');
  }
  if (!isCommand(command)) {
    throw usage(undefined, `未知命令“${command}”`, `unknown command "${command}"`, { command });
  }
  const parsed = parseCommand(command, rest);
  if (parsed.help) return printHelp(io, command);
  switch (command) {
    case 'inspect':
      return inspectCommand(parsed, io);
    case 'code':
      return codeCommand(parsed, io);
    case 'verify-signature':
      return verifySignatureCommand(parsed, io);
    case 'verify-chain':
      return verifyChainCommand(parsed, io);
    case 'test-ca':
      return testCaCommand(parsed, io);
  }
}

async function inspectCommand(parsed: Parsed, io: CliIo): Promise<number> {
  const now = timeOption('inspect', parsed, 'now');
  if (parsed.positionals.length !== 1) {
    throw usage('inspect', 'inspect 需要一个证书文件（或用 - 表示标准输入）', 'inspect takes one certificate file (or - for standard input)');
  }
  const input = await readCertificateSource(io, parsed.positionals[0] as string);
  const providers = await loadCliProviders(io);
  const verbose = parsed.values['verbose'] === true;
  io.stdout(`${inspectCertificates(input, { json: parsed.json, now, locale: parsed.locale, verbose, providers })}\n`);
  return EXIT_OK;
}

function codeCommand(parsed: Parsed, io: CliIo): number {
  const [first, ...others] = parsed.positionals;
  if (first === 'compare') {
    if (others.length !== 2) throw usage('code', 'code compare 需要两个企业代码', 'code compare takes two codes');
    const r = runCompare(others[0] as string, others[1] as string, parsed);
    io.stdout(`${r.output}\n`);
    return r.ok ? EXIT_OK : EXIT_INVALID;
  }
  if (first === undefined) throw usage('code', 'code 需要一个企业代码', 'code takes an enterprise code');
  if (others.length > 0) throw usage('code', 'code 只接受一个企业代码（比较两个请用 code compare）', 'code takes one code (use code compare for two)');
  const r = runCode(first, parsed);
  io.stdout(`${r.output}\n`);
  return r.ok ? EXIT_OK : EXIT_INVALID;
}

const FORMATS: readonly SignatureFormat[] = ['auto', 'der', 'raw', 'skf', 'cms'];

function oneOf<T extends string>(command: CommandName, option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const choices = allowed.join(', ');
  throw usage(command, `${option} 应为 ${choices} 之一，而不是“${value}”`, `${option} must be one of ${choices}, not "${value}"`, { option, value });
}

async function verifySignatureCommand(parsed: Parsed, io: CliIo): Promise<number> {
  const command = 'verify-signature';
  if (parsed.positionals.length > 0) {
    throw usage(command, `verify-signature 只接受选项，多余的参数：${parsed.positionals.join(' ')}`, `verify-signature takes options only, not: ${parsed.positionals.join(' ')}`);
  }
  const cert = str(parsed, 'cert');
  const data = str(parsed, 'data');
  const signatureArg = str(parsed, 'signature');
  const absent = [cert === undefined && '--cert', data === undefined && '--data', signatureArg === undefined && '--signature'].filter((x) => x !== false);
  if (cert === undefined || data === undefined || signatureArg === undefined) {
    throw usage(command, `verify-signature 缺少 ${absent.join('、')}`, `verify-signature needs ${absent.join(', ')}`, { missing: absent });
  }
  const format = oneOf(command, '--format', str(parsed, 'format') ?? 'auto', FORMATS);
  // A path that exists is read; anything else is the base64 signature itself.
  const signature = await io.readFile(signatureArg, MAX_INPUT).then(signatureFromFile, (err: unknown) => {
    if (isYizhengError(err, 'FILE_UNREADABLE') && err.details['reason'] === 'ENOENT') return signatureArg;
    throw err;
  });
  const sm2UserId = str(parsed, 'sm2-user-id');
  const outcome = checkSignature(
    {
      certificate: await readCertificateSource(io, cert),
      data: await readSource(io, data),
      signature,
      format,
      ...(sm2UserId !== undefined && { sm2UserId }),
    },
    parsed.locale,
  );
  return print(io, outcome, parsed.json);
}

/** A CRL file: DER as is, PEM or base64 as text. */
async function readCrl(io: CliIo, source: string): Promise<Uint8Array | string> {
  const bytes = await readSource(io, source);
  return bytes[0] === 0x30 ? bytes : new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

async function verifyChainCommand(parsed: Parsed, io: CliIo): Promise<number> {
  const command = 'verify-chain';
  const at = timeOption(command, parsed, 'at');
  if (parsed.positionals.length !== 1) throw usage(command, 'verify-chain 需要一个待验证的证书（leaf）', 'verify-chain takes one leaf certificate');
  const anchors = list(parsed, 'anchor');
  if (anchors.length === 0) throw usage(command, 'verify-chain 至少需要一个 --anchor（信任的根证书）', 'verify-chain needs at least one --anchor (a trusted root)');
  const read = (files: string[]) => Promise.all(files.map((f) => readCertificateSource(io, f)));
  const outcome = await checkChain(
    {
      leaf: await readCertificateSource(io, parsed.positionals[0] as string),
      anchors: await read(anchors),
      intermediates: await read(list(parsed, 'intermediate')),
      crls: await Promise.all(list(parsed, 'crl').map((f) => readCrl(io, f))),
      at,
    },
    parsed.locale,
  );
  return print(io, outcome, parsed.json);
}

async function testCaCommand(parsed: Parsed, io: CliIo): Promise<number> {
  const command = 'test-ca';
  if (parsed.positionals.length !== 1) throw usage(command, 'test-ca 需要一个输出文件夹', 'test-ca takes one output folder');
  const profile = oneOf<TestCaProfile>(command, '--profile', str(parsed, 'profile') ?? 'generic', TEST_CA_PROFILES);
  const key = oneOf(command, '--key', str(parsed, 'key') ?? 'ec', ['ec', 'rsa', 'sm2'] as const);
  const expired = parsed.values['expired'] === true;
  const notYetValid = parsed.values['not-yet-valid'] === true;
  if (expired && notYetValid) throw usage(command, '--expired 和 --not-yet-valid 不能同时使用', '--expired and --not-yet-valid exclude each other');
  const dir = parsed.positionals[0] as string;
  const files = await makeTestCa({
    dir,
    profile,
    key,
    uscc: str(parsed, 'uscc') ?? '91350200556207664B',
    company: str(parsed, 'company') ?? '一证测试科技有限公司',
    holder: str(parsed, 'holder') ?? '张三',
    validity: expired ? 'expired' : notYetValid ? 'not-yet-valid' : 'valid',
    revoked: parsed.values['revoked'] === true,
    now: new Date(),
  });
  if (parsed.json) {
    io.stdout(`${JSON.stringify({ dir, files, testOnly: true }, null, 2)}\n`);
    return EXIT_OK;
  }
  const heading = parsed.locale === 'en' ? `TEST ONLY: unprotected keys. Written to ${dir}:` : `仅供测试（私钥未加密），已写入 ${dir}：`;
  io.stdout(`${heading}\n${files.map((f) => `  ${f}`).join('\n')}\n`);
  return EXIT_OK;
}

/**
 * The language and output form errors use, read before full parsing so even a usage error honours
 * them: `--lang` (zh-CN unless a valid en) and `--json`.
 */
function errorStyle(argv: string[]): { locale: Locale; json: boolean } {
  let lang: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') break;
    if (a === '--json') json = true;
    else if (a === '--lang') lang = argv[i + 1];
    else if (a.startsWith('--lang=')) lang = a.slice('--lang='.length);
  }
  return { locale: (lang !== undefined && localeOf(lang)) || 'zh-CN', json };
}

function report(io: CliIo, err: YizhengError, style: { locale: Locale; json: boolean }): void {
  if (style.json) {
    try {
      io.stdout(`${JSON.stringify({ error: cliErrorJson(err) }, null, 2)}\n`);
      return;
    } catch {
      // Standard output is what failed: fall back to standard error below.
    }
  }
  const help = isUsageError(err) ? `\n\n${usageOf(err.command)}` : '';
  io.stderr(`${cliErrorText(err, style.locale)}${help}\n`);
}

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo, version = '0.0.0'): Promise<number> {
  const style = errorStyle(argv);
  try {
    return await dispatch(argv, io, version);
  } catch (thrown) {
    // A defect of ours (not a YizhengError) becomes INTERNAL_ERROR: still no stack trace on the terminal.
    const err = asYizhengError(thrown);
    report(io, err, style);
    return isUsageError(err) ? EXIT_USAGE : EXIT_INVALID;
  }
}
