// Small Markdown and number formatting helpers for the figures written into docs/benchmarks.md.

export function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A whole number with thousands separators. */
export const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** A number with `digits` decimals. */
export const fixed = (n: number, digits = 1) => n.toFixed(digits);

export const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;

/** ✓ or ✗ with the goal, e.g. "✓ (goal ≥ 50%)". */
export const goal = (met: boolean, text: string) => `${met ? '✓' : '✗'} (goal ${text})`;
