/** The job summary: counts, jobs, and a bounded table of pairs. */

import * as core from '@actions/core';

import { MAX_SUMMARY_ROWS } from '../constants.js';
import {
  PAIR_STATUSES,
  type LedgerView,
  type PairResult,
} from '../share/ledger.js';
import type { Operation } from '../inputs.js';
import type { StepStatus } from './status.js';

export interface SummaryContext {
  status: StepStatus;
  operation: Operation;
  durationMs: number;
}

/** Statuses listed first in the table, so problems are never cut off. */
const ORDER: Record<string, number> = {
  failed: 0,
  unknown: 1,
  skipped: 2,
  planned: 3,
  submitted: 4,
  success: 5,
  'already-shared': 6,
  'not-shared': 7,
};

/**
 * Returns a copy of the results with failed, unknown and skipped pairs
 * first, each status in input order.
 */
export function sortProblemsFirst(
  results: readonly PairResult[],
): PairResult[] {
  return [...results].sort(
    (a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9),
  );
}

/** Builds the summary's Markdown and HTML; separate from writing for tests. */
export function buildSummary(
  ledger: LedgerView,
  context: SummaryContext,
): string {
  const counts = ledger.counts();
  const jobIds = ledger.jobIds();
  const results = sortProblemsFirst(ledger.results());
  const shown = results.slice(0, MAX_SUMMARY_ROWS);
  const lines = [
    `## IMS ${context.operation}: ${context.status}`,
    '',
    `Region ${ledger.regions.map((r) => `\`${escapeHtml(r)}\``).join(', ')}, ${ledger.pairs.length} pair(s), ${(context.durationMs / 1000).toFixed(1)} s.`,
    '',
    PAIR_STATUSES.filter((s) => counts[s] > 0)
      .map((s) => `${s}: **${counts[s]}**`)
      .join(' · '),
    '',
    jobIds.length > 0
      ? `Job IDs: ${jobIds.map((id) => `\`${escapeHtml(id)}\``).join(', ')}`
      : 'No job was submitted.',
    '',
    renderTable(shown),
  ];
  if (results.length > shown.length) {
    lines.push(
      '',
      `${results.length - shown.length} more pair(s) are not shown; the results-file output holds all of them.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Appends the summary to the step's summary file; a failure only warns. */
export async function writeSummary(
  ledger: LedgerView,
  context: SummaryContext,
): Promise<void> {
  try {
    await core.summary.addRaw(buildSummary(ledger, context)).write();
  } catch (error) {
    core.warning(`Writing the job summary failed: ${(error as Error).message}`);
  }
}

function renderTable(results: PairResult[]): string {
  const header =
    '<tr><th>Region</th><th>Image</th><th>Target</th><th>Status</th><th>Member</th><th>Job</th><th>Details</th></tr>';
  const rows = results.map((r) => {
    const cells = [
      escapeHtml(r.region),
      `<code>${escapeHtml(r.image_id)}</code>`,
      `${escapeHtml(r.target_type)} <code>${escapeHtml(r.target_id)}</code>`,
      escapeHtml(r.status),
      escapeHtml(r.member_status ?? ''),
      r.job_id ? `<code>${escapeHtml(r.job_id)}</code>` : '',
      details(r),
    ];
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  return `<table>${header}${rows.join('')}</table>`;
}

function details(result: PairResult): string {
  const text = [result.error_code, result.message].filter(Boolean).join(': ');
  if (text.length <= 160) return escapeHtml(text);
  return `<details><summary>${escapeHtml(text.slice(0, 80))}…</summary>${escapeHtml(text)}</details>`;
}

/** Escapes text for HTML and Markdown table cells. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\|/g, '&#124;')
    .replace(/\r?\n/g, ' ');
}
