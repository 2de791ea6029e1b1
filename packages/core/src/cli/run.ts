/**
 * The `yizheng` command line. Every failure a user can cause ends in a clean message on stderr, never
 * a stack trace: exit 1 for invalid input (a YizhengError), 2 for a wrong command line.
 */
import { parseArgs } from 'node:util';
import { isYizhengError, YizhengError, type Locale } from '../errors/index';
import { runCode, runCompare } from './code';
import { inspectCertificates } from './inspect';
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
  yizheng --version | --help

Exit: 0 success, 1 invalid input, 2 usage.`;

interface Common {
  json: boolean;
  locale: Locale;
  now: Date;
  positionals: string[];
}

function parseCommon(args: string[]): Common {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, now: { type: 'string' }, lang: { type: 'string' } },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
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
  throw new UsageError(`unknown command "${command}"`);
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
