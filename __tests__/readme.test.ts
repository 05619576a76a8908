import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string | number | boolean;
}

interface ActionMetadata {
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string }>;
}

interface TableRow {
  name: string;
  /** Cell text by lower-case column header. */
  cells: Record<string, string>;
}

const action = parse(
  readFileSync(new URL('../action.yml', import.meta.url), 'utf8'),
) as ActionMetadata;
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Returns the lines of the `## title` section, up to the next `## `. */
function section(markdown: string, title: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === `## ${title}`);
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && /^## /.test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** Splits a Markdown table row into trimmed cells, keeping `\|` inside a cell. */
function splitRow(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

/** Parses the first Markdown table of a section, keyed by its first column. */
function firstTable(lines: string[]): TableRow[] {
  const start = lines.findIndex((line) => line.trim().startsWith('|'));
  if (start < 0) return [];
  const header = splitRow(lines[start] as string).map((h) => h.toLowerCase());
  const rows: TableRow[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    const cells = splitRow(line);
    const named = Object.fromEntries(
      header.map((name, i) => [name, cells[i] ?? '']),
    );
    rows.push({ name: stripCode(cells[0] ?? ''), cells: named });
  }
  return rows;
}

function stripCode(text: string): string {
  return text.replace(/^`(.*)`$/, '$1').trim();
}

/** Returns the README's default as action.yml writes it, or '' for none. */
function readmeDefault(cell: string | undefined): string {
  const text = stripCode(cell ?? '');
  return text === '(required)' ? '' : text;
}

function actionDefault(input: ActionInput): string {
  return input.default === undefined ? '' : String(input.default);
}

const inputRows = firstTable(section(readme, 'Inputs'));
const outputRows = firstTable(section(readme, 'Outputs'));
const readmeInputs = new Map(inputRows.map((row) => [row.name, row]));
const readmeOutputs = new Set(outputRows.map((row) => row.name));
const actionInputs = Object.entries(action.inputs);
const actionOutputs = Object.keys(action.outputs);

describe('README inputs table', () => {
  it('has a table with rows', () => {
    expect(inputRows.length).toBeGreaterThan(0);
  });

  it.each(actionInputs.map(([name]) => name))('lists input %s', (name) => {
    expect(readmeInputs.has(name)).toBe(true);
  });

  it.each(inputRows.map((row) => row.name))(
    'lists only declared input %s',
    (name) => {
      expect(Object.hasOwn(action.inputs, name)).toBe(true);
    },
  );

  it.each(actionInputs.filter(([name]) => readmeInputs.has(name)))(
    'matches the default of %s',
    (name, input) => {
      const row = readmeInputs.get(name) as TableRow;
      expect(readmeDefault(row.cells.default)).toBe(actionDefault(input));
    },
  );

  it.each(actionInputs.filter(([name]) => readmeInputs.has(name)))(
    'marks %s required as action.yml does',
    (name, input) => {
      const row = readmeInputs.get(name) as TableRow;
      const marked = stripCode(row.cells.default ?? '') === '(required)';
      expect(marked).toBe(input.required === true);
    },
  );
});

describe('README outputs table', () => {
  it('has a table with rows', () => {
    expect(outputRows.length).toBeGreaterThan(0);
  });

  it.each(actionOutputs)('lists output %s', (name) => {
    expect(readmeOutputs.has(name)).toBe(true);
  });

  it.each([...readmeOutputs])('lists only declared output %s', (name) => {
    expect(Object.hasOwn(action.outputs, name)).toBe(true);
  });
});
