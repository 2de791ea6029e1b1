// Writes the error-code pages (zh-CN and English) from the catalogue itself, so the docs can never
// drift from the code. Runs under tsx: it reads the catalogue from the sources, no build needed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as errors from '../../packages/core/src/errors/index.ts';

const { CLIENT_ERROR_CATALOGUE, ERROR_CATALOGUE } = errors;

const docs = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Text for a Markdown table cell: no pipes or newlines, nothing Vue or HTML would read as markup. */
const cell = (text) =>
  String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('{{', '&#123;&#123;')
    .replaceAll('|', '\\|')
    .replaceAll('\n', ' ');

/** The HTTP status a platform answers a code with: the entry's `httpStatus`, else the status table's, else "—". */
function status(code, entry) {
  const value = entry.httpStatus ?? errors.ERROR_HTTP_STATUS?.[code];
  return typeof value === 'number' ? String(value) : '—';
}

const LANGS = {
  'zh-CN': {
    file: join(docs, 'reference', 'errors.md'),
    title: '错误码',
    intro: [
      'Yizheng 抛出的每个错误都是 `YizhengError`：带稳定的错误码 `code`、中英文提示（`localizedMessage(locale)`）、',
      '处理建议（`localizedRemedy(locale)`）和机器可读的 `details`；`toJSON()` 同时给出两种语言，可直接返回给页面。',
      '提示中的 `{name}` 由 `error.details` 中同名的值填入；处理建议中的 `{menu:bind}`、`{menu:unbind}` 是平台绑定、解绑证书的菜单名称，',
      '由 `createYizheng({ menus })` 配置（默认为“证书绑定”）。错误码一经发布，含义不再改变。',
      '',
      '“HTTP 状态码”是平台把该错误返回给页面时建议使用的状态码；“—”表示目录中尚未给出。',
      '供应商常问的问题与错误码的对应关系见[常见问题](./faq)。',
      '',
      '本页由 `docs/scripts/gen-errors.mjs` 根据 `ERROR_CATALOGUE` 生成。',
    ],
    groups: { client: '登录页与证书客户端', server: '服务器' },
    groupIntro: {
      client: '驱动和页面入口（`@yizheng/core/client`）在浏览器中抛出这些错误；服务器端的目录同样包含它们。',
      server: '`verifyLogin`、`bindCertificate` 等服务器端操作抛出这些错误。',
    },
    index: ['错误码', 'HTTP', '提示'],
    columns: ['', '中文', '英文'],
    message: '提示',
    remedy: '处理建议',
    http: 'HTTP 状态码：',
    reason: (r) => `当 \`details.reason\` 为 \`'${r}'\` 时：`,
    primary: 'zh',
  },
  en: {
    file: join(docs, 'en', 'reference', 'errors.md'),
    title: 'Error codes',
    intro: [
      'Every error Yizheng throws is a `YizhengError` with a stable `code`, a message in zh-CN and English',
      '(`localizedMessage(locale)`), a remedy (`localizedRemedy(locale)`) and machine-readable `details`;',
      '`toJSON()` carries both languages, ready to send to the page. `{name}` in a message stands for the value',
      'of the same name in `error.details`; `{menu:bind}` and `{menu:unbind}` in a remedy stand for the names of the',
      "platform's binding and unbinding pages, set with `createYizheng({ menus })` (default: Certificate binding).",
      'A code never changes meaning once published.',
      '',
      '"HTTP status" is the status a platform answers the page with for this error; "—" means the catalogue',
      'does not name one yet. The [FAQ](./faq) maps the questions suppliers ask to these codes.',
      '',
      'This page is generated from `ERROR_CATALOGUE` by `docs/scripts/gen-errors.mjs`.',
    ],
    groups: { client: 'Login page and key clients', server: 'Server' },
    groupIntro: {
      client: 'Drivers and the page entry (`@yizheng/core/client`) throw these in the browser; the server catalogue holds them too.',
      server: 'Server-side operations such as `verifyLogin` and `bindCertificate` throw these.',
    },
    index: ['Code', 'HTTP', 'Message'],
    columns: ['', 'Chinese', 'English'],
    message: 'Message',
    remedy: 'Remedy',
    http: 'HTTP status: ',
    reason: (r) => `With \`details.reason: '${r}'\`:`,
    primary: 'en',
  },
};

function page(t) {
  const entries = Object.entries(ERROR_CATALOGUE);
  const groups = {
    client: entries.filter(([code]) => Object.hasOwn(CLIENT_ERROR_CATALOGUE, code)),
    server: entries.filter(([code]) => !Object.hasOwn(CLIENT_ERROR_CATALOGUE, code)),
  };
  const lines = ['---', `title: ${t.title}`, 'outline: 2', '---', '', `# ${t.title}`, '', ...t.intro, ''];
  for (const [group, list] of Object.entries(groups)) {
    lines.push(`## ${t.groups[group]}`, '', t.groupIntro[group], '', `| ${t.index.join(' | ')} |`, '|---|---|---|');
    for (const [code, entry] of list) lines.push(`| [\`${code}\`](#${code}) | ${status(code, entry)} | ${cell(entry[t.primary])} |`);
    lines.push('');
    for (const [code, entry] of list) {
      lines.push(`### ${code} {#${code}}`, '');
      lines.push(`| ${t.columns.join(' | ')} |`, '|---|---|---|');
      lines.push(`| ${t.message} | ${cell(entry.zh)} | ${cell(entry.en)} |`);
      lines.push(`| ${t.remedy} | ${cell(entry.remedy.zh)} | ${cell(entry.remedy.en)} |`, '');
      lines.push(`${t.http}${status(code, entry)}`, '');
      for (const [reason, text] of Object.entries(entry.reasons ?? {})) {
        lines.push(t.reason(reason), '', `| ${t.columns.join(' | ')} |`, '|---|---|---|');
        lines.push(`| ${t.message} | ${cell(text.zh)} | ${cell(text.en)} |`);
        lines.push(`| ${t.remedy} | ${cell(text.remedy.zh)} | ${cell(text.remedy.en)} |`, '');
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

for (const t of Object.values(LANGS)) {
  mkdirSync(dirname(t.file), { recursive: true });
  writeFileSync(t.file, page(t));
}
console.log(`docs: wrote ${Object.keys(ERROR_CATALOGUE).length} error codes to reference/errors.md and en/reference/errors.md`);
