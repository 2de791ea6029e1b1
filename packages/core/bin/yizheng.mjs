#!/usr/bin/env node
// The `yizheng` executable. A committed file rather than dist/cli.js itself: package managers link
// bins at install time, and in a workspace that is before `pnpm build` has made dist/ (pnpm then
// warns "Failed to create bin" and never links it). This launcher always exists, so the link does.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'yizheng: @yizheng/core 尚未构建，请先运行 pnpm --filter @yizheng/core build\n' +
      'yizheng: @yizheng/core is not built yet: run pnpm --filter @yizheng/core build first\n',
  );
  process.exit(1);
}
await import(cli.href);
