/**
 * The `yizheng` command line. Every failure a user can cause ends in a clean message on stderr, never
 * a stack trace: exit 1 for invalid input (a YizhengError), 2 for a wrong command line.
 */
import { parseArgs } from 'node:util';
import type { SignatureFormat } from '../crypto/index';
import { isYizhengError, YizhengError, type Locale } from '../errors/index';
import { runCode, runCompare } from './code';
import { inspectCertificates } from './inspect';
import { makeTestCa, TEST_CA_PROFILES, type TestCaProfile } from './test-ca';
import { checkChain, checkSignature, signatureFromFile, type CheckOutcome } from './verify';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError, type CliIo } from './io';

/** Largest input the CLI reads: a bundle of 16 certificates of 64 KiB each, as PEM. */
const MAX_INPUT = 16 * 64 * 1024 * 2;

const USAGE = `用法 / Usage:
  yizheng inspect <file|-> [--json] [--now <ISO time>] [--lang zh-CN|en]
      证书信息（主体名称、主体代码、序列号、有效期、颁发者、到期状态）/ certificate facts
  yizheng code <value> [--json] [--lang zh-CN|en]
      校验企业代码 / validate an enterprise code (USCC, organisation code, registration number)
  yizheng code compare <a> <b> [--json] [--lang zh-CN|en]
      比较两个企业代码是否为同一主体 / do two codes identify the same entity?
  yizheng verify-signature --cert <file> --data <file> --signature <file|base64>
                           [--format auto|der|raw|skf|cms] [--sm2-user-id <id>] [--json]
      验证签名 / verify a signature (exit 0 valid, 1 invalid)
  yizheng verify-chain <leaf> --anchor <file>... [--intermediate <file>...] [--crl <file>...]
                       [--at <ISO time>] [--json]
      验证证书链（离线，仅使用给出的CRL）/ validate a certificate chain (offline)
  yizheng test-ca <dir> [--profile generic|bjca|cfca] [--key ec|rsa|sm2] [--uscc <code>]
                  [--company <name>] [--holder <name>] [--expired | --not-yet-valid] [--revoked]
      生成测试CA与签名/加密证书（仅供测试）/ a test CA and a key's certificates (tests only)
  yizheng --version | --help

Exit: 0 success, 1 invalid input, 2 usage.`;

interface Common {
  json: boolean;
  locale: Locale;
  now: Date;
  positionals: string[];
}

function parseCommon(args: string[]): Common {
  const { values, positionals } = usage(() => parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, now: { type: 'string' }, lang: { type: 'string' } },
  }));
  const lang = values.lang ?? 'zh-CN';
  if (lang !== 'zh-CN' && lang !== 'zh' && lang !== 'en') throw new UsageError(`--lang must be zh-CN or en, not "${lang}"`);
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--now must be an ISO 8601 time, not "${values.now}"`);
  return { json: values.json ?? false, locale: lang === 'en' ? 'en' : 'zh-CN', now, positionals };
}

async function readInput(io: CliIo, source: string): Promise<Uint8Array | string> {
  const bytes = source === '-' ? await io.readStdin(MAX_INPUT) : await io.readFile(source, MAX_INPUT);
  // DER starts with a SEQUENCE tag; anything else is text (PEM or the bare base64 vendor clients give).
  return bytes[0] === 0x30 ? bytes : new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

async function dispatch(argv: string[], io: CliIo, version: string): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(`${USAGE}\n`);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (command === '--version' || command === '-v') {
    io.stdout(`${version}\n`);
    return EXIT_OK;
  }
  if (command === 'inspect') {
    const opts = parseCommon(rest);
    if (opts.positionals.length !== 1) throw new UsageError('inspect takes exactly one file (or - for standard input)');
    const input = await readInput(io, opts.positionals[0] as string);
    io.stdout(`${inspectCertificates(input, opts)}\n`);
    return EXIT_OK;
  }
  if (command === 'code') {
    const opts = parseCommon(rest);
    const [first, ...others] = opts.positionals;
    if (first === 'compare') {
      if (others.length !== 2) throw new UsageError('code compare takes exactly two codes');
      const r = runCompare(others[0] as string, others[1] as string, opts);
      io.stdout(`${r.output}\n`);
      return r.ok ? EXIT_OK : EXIT_INVALID;
    }
    if (first === undefined || others.length > 0) throw new UsageError('code takes exactly one code');
    const r = runCode(first, opts);
    io.stdout(`${r.output}\n`);
    return r.ok ? EXIT_OK : EXIT_INVALID;
  }
  if (command === 'verify-signature') return verifySignatureCommand(rest, io);
  if (command === 'verify-chain') return verifyChainCommand(rest, io);
  if (command === 'test-ca') return testCaCommand(rest, io);
  throw new UsageError(`unknown command "${command}"`);
}

const FORMATS: readonly SignatureFormat[] = ['auto', 'der', 'raw', 'skf', 'cms'];

/** Runs a parser, turning its complaints into usage errors (exit 2). */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function print(io: CliIo, outcome: CheckOutcome, json: boolean): number {
  io.stdout(`${json ? JSON.stringify(outcome.json, null, 2) : outcome.text}\n`);
  return outcome.ok ? EXIT_OK : EXIT_INVALID;
}

async function verifySignatureCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = usage(() => parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' }, lang: { type: 'string' }, cert: { type: 'string' }, data: { type: 'string' },
      signature: { type: 'string' }, format: { type: 'string' }, 'sm2-user-id': { type: 'string' },
    },
  }));
  if (positionals.length > 0) throw new UsageError('verify-signature takes options only');
  if (values.cert === undefined || values.data === undefined || values.signature === undefined) {
    throw new UsageError('verify-signature needs --cert, --data and --signature');
  }
  const format = (values.format ?? 'auto') as SignatureFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const signatureArg = values.signature;
  // A path that exists is read; anything else is the base64 signature itself.
  const signature = await io.readFile(signatureArg, MAX_INPUT).then(signatureFromFile, (err: unknown) => {
    if (isYizhengError(err, 'FILE_UNREADABLE') && err.details['reason'] === 'ENOENT') return signatureArg;
    throw err;
  });
  const outcome = checkSignature(
    {
      certificate: await readInput(io, values.cert),
      data: await io.readFile(values.data, MAX_INPUT),
      signature,
      format,
      ...(values['sm2-user-id'] !== undefined && { sm2UserId: values['sm2-user-id'] }),
    },
    values.lang === 'en' ? 'en' : 'zh-CN',
  );
  return print(io, outcome, values.json ?? false);
}

async function verifyChainCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = usage(() => parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' }, lang: { type: 'string' }, at: { type: 'string' },
      anchor: { type: 'string', multiple: true }, intermediate: { type: 'string', multiple: true }, crl: { type: 'string', multiple: true },
    },
  }));
  if (positionals.length !== 1) throw new UsageError('verify-chain takes exactly one leaf certificate');
  if (!values.anchor || values.anchor.length === 0) throw new UsageError('verify-chain needs at least one --anchor');
  const at = values.at === undefined ? new Date() : new Date(values.at);
  if (Number.isNaN(at.getTime())) throw new UsageError(`--at must be an ISO 8601 time, not "${values.at}"`);
  const read = (files: string[] | undefined) => Promise.all((files ?? []).map((f) => readInput(io, f)));
  const outcome = await checkChain(
    {
      leaf: await readInput(io, positionals[0] as string),
      anchors: await read(values.anchor),
      intermediates: await read(values.intermediate),
      crls: await read(values.crl),
      at,
    },
    values.lang === 'en' ? 'en' : 'zh-CN',
  );
  return print(io, outcome, values.json ?? false);
}

async function testCaCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = usage(() => parseArgs({
    args,
    allowPositionals: true,
    options: {
      profile: { type: 'string' }, key: { type: 'string' }, uscc: { type: 'string' }, company: { type: 'string' },
      holder: { type: 'string' }, expired: { type: 'boolean' }, 'not-yet-valid': { type: 'boolean' },
      revoked: { type: 'boolean' }, lang: { type: 'string' },
    },
  }));
  if (positionals.length !== 1) throw new UsageError('test-ca takes exactly one output folder');
  const profile = (values.profile ?? 'generic') as TestCaProfile;
  if (!TEST_CA_PROFILES.includes(profile)) throw new UsageError(`--profile must be one of ${TEST_CA_PROFILES.join(', ')}`);
  const key = values.key ?? 'ec';
  if (key !== 'ec' && key !== 'rsa' && key !== 'sm2') throw new UsageError('--key must be ec, rsa or sm2');
  if (values.expired && values['not-yet-valid']) throw new UsageError('--expired and --not-yet-valid exclude each other');
  const dir = positionals[0] as string;
  const files = await makeTestCa({
    dir,
    profile,
    key,
    uscc: values.uscc ?? '91350200556207664B',
    company: values.company ?? '一证测试科技有限公司',
    holder: values.holder ?? '张三',
    validity: values.expired ? 'expired' : values['not-yet-valid'] ? 'not-yet-valid' : 'valid',
    revoked: values.revoked ?? false,
    now: new Date(),
  });
  io.stdout(`${values.lang === 'en' ? 'TEST ONLY: unprotected keys. Written to' : '仅供测试（私钥未加密），已写入'} ${dir}:\n${files.map((f) => `  ${f}`).join('\n')}\n`);
  return EXIT_OK;
}

/** The language of error messages, read before full parsing so even a usage error can honour it. */
function errorLocale(argv: string[]): Locale {
  const i = argv.indexOf('--lang');
  const lang = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--lang='))?.slice('--lang='.length);
  return lang === 'en' ? 'en' : 'zh-CN';
}

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo, version = '0.0.0'): Promise<number> {
  const locale = errorLocale(argv);
  try {
    return await dispatch(argv, io, version);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`yizheng: ${err.message}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    if (isYizhengError(err)) {
      io.stderr(`yizheng: [${err.code}] ${err.localizedMessage(locale)}\n${err.localizedRemedy(locale)}\n`);
      return EXIT_INVALID;
    }
    // A bug of ours, not the user's input: still no stack trace on the terminal, but say so.
    const bug = new YizhengError('INTERNAL_ERROR', { reason: err instanceof Error ? err.message : String(err) });
    io.stderr(`yizheng: [${bug.code}] ${bug.localizedMessage(locale)}\n`);
    return EXIT_INVALID;
  }
}
