// Writes the error-code page from the catalogue itself, so the docs can never drift from the code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOGUE } from '@yizheng/core';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'generated', 'errors.md');
const cell = (text) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const lines = [
  '---',
  'title: 错误码 Error codes',
  '---',
  '',
  '# 错误码 / Error codes',
  '',
  'Yizheng 抛出的每个错误都是 `YizhengError`，带稳定的 `code`、中英文说明（`localizedMessage`）和处理建议（`localizedRemedy`）。',
  'Every error Yizheng throws is a `YizhengError` with a stable `code`, a zh-CN and an en message and a remedy.',
  '`{name}` stands for a value from `error.details`.',
  '',
];
for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
  lines.push(`## ${code}`, '', '| | 中文 | English |', '|---|---|---|');
  lines.push(`| message | ${cell(entry.zh)} | ${cell(entry.en)} |`);
  lines.push(`| remedy | ${cell(entry.remedy.zh)} | ${cell(entry.remedy.en)} |`, '');
  for (const [reason, text] of Object.entries(entry.reasons ?? {})) {
    lines.push(`With \`details.reason: '${reason}'\` / 当 \`details.reason\` 为 \`'${reason}'\` 时:`, '', '| | 中文 | English |', '|---|---|---|');
    lines.push(`| message | ${cell(text.zh)} | ${cell(text.en)} |`);
    lines.push(`| remedy | ${cell(text.remedy.zh)} | ${cell(text.remedy.en)} |`, '');
  }
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${lines.join('\n')}\n`);
console.log(`docs: wrote ${Object.keys(ERROR_CATALOGUE).length} error codes to ${out}`);
