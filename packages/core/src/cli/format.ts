/** Terminal layout shared by the commands. */

/** Terminal columns a text takes: CJK and full-width characters are two wide. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return width;
}

/** Label/value rows with the values aligned; a multi-line value continues under its first line. */
export function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([k]) => displayWidth(k)));
  const indent = ' '.repeat(width + 2);
  return rows
    .map(([k, v]) => `${k}${' '.repeat(width - displayWidth(k))}  ${v.split('\n').join(`\n${indent}`)}`)
    .join('\n');
}
