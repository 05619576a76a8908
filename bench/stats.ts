/** Small statistics and formatting helpers for the benchmark tables. */

/** Returns the median of `values`, or NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] as number;
  return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Formats milliseconds with one decimal, or `n/a`. */
export function ms(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  return value.toFixed(1);
}

/** Formats milliseconds as seconds with two decimals, or `n/a`. */
export function seconds(valueMs: number | undefined): string {
  if (valueMs === undefined || !Number.isFinite(valueMs)) return 'n/a';
  return (valueMs / 1000).toFixed(2);
}

/** Formats a byte count as KiB or MiB. */
export function bytes(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${(value / 1024 / 1024).toFixed(2)} MiB`;
}

/** Formats KiB as MiB with one decimal, or `n/a`. */
export function mebibytes(kib: number | undefined): string {
  if (kib === undefined || !Number.isFinite(kib)) return 'n/a';
  return `${(kib / 1024).toFixed(1)} MiB`;
}

/** Renders a Markdown table. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const rule = line(header.map(() => '---'));
  return [line(header), rule, ...rows.map(line)].join('\n');
}
