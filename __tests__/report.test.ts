import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_LOGGED_PAIRS, MAX_SUMMARY_ROWS } from '../src/constants.js';
import type { Target } from '../src/inputs.js';
import {
  computeStepStatus,
  isFailure,
  type StepStatus,
} from '../src/report/status.js';
import { logPairs } from '../src/report/log.js';
import { compactResults, writeResultsFile } from '../src/report/outputs.js';
import { buildSummary, escapeHtml } from '../src/report/summary.js';
import {
  Ledger,
  PAIR_STATUSES,
  type Pair,
  type PairStatus,
} from '../src/share/ledger.js';

const CONTEXT = {
  status: 'failed' as StepStatus,
  operation: 'share' as const,
  durationMs: 12_345,
};

function counts(
  values: Partial<Record<PairStatus, number>>,
): Record<PairStatus, number> {
  const all = Object.fromEntries(PAIR_STATUSES.map((s) => [s, 0]));
  return { ...all, ...values } as Record<PairStatus, number>;
}

function targets(count: number): Target[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'project' as const,
    id: `project-${String(i).padStart(3, '0')}`,
  }));
}

/** Returns the target IDs of the summary's table rows, in order. */
function rowTargets(summary: string): string[] {
  return [...summary.matchAll(/project <code>([^<]+)<\/code>/g)].map(
    (match) => match[1] as string,
  );
}

describe('computeStepStatus', () => {
  it.each([
    ['all success', { success: 3 }, false, false, 'success'],
    ['already shared', { 'already-shared': 2 }, false, false, 'success'],
    [
      'mixed success',
      { success: 1, 'already-shared': 1 },
      false,
      false,
      'success',
    ],
    ['no pairs', {}, false, false, 'success'],
    ['submitted', { submitted: 2, success: 1 }, false, false, 'submitted'],
    ['failed', { failed: 1, success: 5 }, false, false, 'failed'],
    ['unknown', { unknown: 1, success: 5 }, false, false, 'failed'],
    ['skipped', { skipped: 2, failed: 1 }, false, false, 'failed'],
    [
      'failed and submitted',
      { failed: 1, submitted: 1 },
      false,
      false,
      'failed',
    ],
    [
      'unknown and submitted',
      { unknown: 1, submitted: 1 },
      false,
      false,
      'failed',
    ],
    ['cancelled', { success: 1 }, true, false, 'cancelled'],
    ['cancelled with failures', { failed: 2 }, true, false, 'cancelled'],
    ['cancelled and timed out', { unknown: 1 }, true, true, 'cancelled'],
    ['timed out', { success: 1 }, false, true, 'timed-out'],
    ['timed out unknown', { unknown: 2 }, false, true, 'timed-out'],
    [
      'timed out with failures',
      { failed: 1, unknown: 1 },
      false,
      true,
      'timed-out',
    ],
    [
      'timed out with skipped',
      { skipped: 3, unknown: 1 },
      false,
      true,
      'timed-out',
    ],
  ] as const)('%s', (_case, values, cancelled, timedOut, expected) => {
    expect(computeStepStatus(counts(values), { cancelled, timedOut })).toBe(
      expected,
    );
  });
});

describe('isFailure', () => {
  it.each([
    ['success', false],
    ['submitted', false],
    ['failed', true],
    ['timed-out', true],
    ['cancelled', true],
  ] as const)('%s fails: %s', (status, expected) => {
    expect(isFailure(status)).toBe(expected);
  });
});

describe('escapeHtml', () => {
  it.each([
    ['<b>', '&lt;b&gt;'],
    ['a & b', 'a &amp; b'],
    ['"quoted"', '&quot;quoted&quot;'],
    ['a | b', 'a &#124; b'],
    ['line\nbreak', 'line break'],
    ['line\r\nbreak', 'line break'],
    ['&lt;', '&amp;lt;'],
    ['plain text', 'plain text'],
  ])('escapes %j', (text, expected) => {
    expect(escapeHtml(text)).toBe(expected);
  });
});

describe('buildSummary', () => {
  it('escapes HTML in messages', () => {
    const ledger = new Ledger('ap-southeast-1', ['image-1'], targets(1));
    ledger.settle(ledger.pairs[0] as Pair, 'failed', {
      errorCode: 'IMG<0088>',
      message: '<script>alert("x")</script> | next\nline & more',
    });
    const summary = buildSummary(ledger, CONTEXT);
    expect(summary).not.toContain('<script>');
    expect(summary).not.toContain('IMG<0088>');
    expect(summary).toContain(
      'IMG&lt;0088&gt;: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#124; next line &amp; more',
    );
  });

  it('escapes the region and IDs', () => {
    const ledger = new Ledger(
      '<r>',
      ['<img>'],
      [{ type: 'project', id: '<t>' }],
    );
    ledger.markInJob([ledger.pairs[0] as Pair], '<job>');
    const summary = buildSummary(ledger, CONTEXT);
    expect(summary).not.toMatch(/<(r|img|t|job)>/);
    expect(summary).toContain('Region `&lt;r&gt;`');
    expect(summary).toContain('<code>&lt;job&gt;</code>');
  });

  it('lists failed rows first', () => {
    const ledger = new Ledger('ap-southeast-1', ['image-1'], targets(6));
    const order: PairStatus[] = [
      'success',
      'already-shared',
      'failed',
      'submitted',
      'unknown',
      'skipped',
    ];
    order.forEach((status, i) => {
      if (status !== 'unknown') {
        ledger.settle(ledger.pairs[i] as Pair, status);
      }
    });
    expect(rowTargets(buildSummary(ledger, CONTEXT))).toEqual([
      'project-002',
      'project-004',
      'project-005',
      'project-003',
      'project-000',
      'project-001',
    ]);
  });

  it('keeps input order within a status', () => {
    const ledger = new Ledger('ap-southeast-1', ['image-1'], targets(4));
    ledger.settle(ledger.pairs[3] as Pair, 'failed');
    ledger.settle(ledger.pairs[1] as Pair, 'failed');
    ledger.settle(ledger.pairs[0] as Pair, 'success');
    ledger.settle(ledger.pairs[2] as Pair, 'success');
    expect(rowTargets(buildSummary(ledger, CONTEXT))).toEqual([
      'project-001',
      'project-003',
      'project-000',
      'project-002',
    ]);
  });

  it('caps rows and counts the rest', () => {
    const extra = 50;
    const ledger = new Ledger(
      'ap-southeast-1',
      ['image-1'],
      targets(MAX_SUMMARY_ROWS + extra),
    );
    for (const pair of ledger.pairs) ledger.settle(pair, 'success');
    const summary = buildSummary(ledger, CONTEXT);
    expect(rowTargets(summary)).toHaveLength(MAX_SUMMARY_ROWS);
    expect(summary).toContain(`${extra} more pair(s) are not shown`);
  });

  it('shows failures beyond the cap', () => {
    const ledger = new Ledger(
      'ap-southeast-1',
      ['image-1'],
      targets(MAX_SUMMARY_ROWS + 10),
    );
    const last = ledger.pairs[ledger.pairs.length - 1] as Pair;
    for (const pair of ledger.pairs) {
      ledger.settle(pair, pair === last ? 'failed' : 'success');
    }
    expect(rowTargets(buildSummary(ledger, CONTEXT))[0]).toBe(last.target.id);
  });

  it('omits the note at the cap', () => {
    const ledger = new Ledger(
      'ap-southeast-1',
      ['image-1'],
      targets(MAX_SUMMARY_ROWS),
    );
    const summary = buildSummary(ledger, CONTEXT);
    expect(rowTargets(summary)).toHaveLength(MAX_SUMMARY_ROWS);
    expect(summary).not.toContain('not shown');
  });

  it('shows status, counts and jobs', () => {
    const ledger = new Ledger('ap-southeast-1', ['image-1'], targets(3));
    ledger.markInJob([ledger.pairs[0] as Pair], 'job-1');
    ledger.markInJob([ledger.pairs[1] as Pair], 'job-2');
    ledger.settle(ledger.pairs[0] as Pair, 'success');
    ledger.settle(ledger.pairs[1] as Pair, 'failed');
    ledger.settle(ledger.pairs[2] as Pair, 'already-shared');
    const summary = buildSummary(ledger, CONTEXT);
    expect(summary).toContain('## IMS share: failed');
    expect(summary).toContain('3 pair(s), 12.3 s.');
    expect(summary).toContain(
      'success: **1** · already-shared: **1** · failed: **1**',
    );
    expect(summary).toContain('Job IDs: `job-1`, `job-2`');
  });

  it('reports when no job ran', () => {
    const ledger = new Ledger('ap-southeast-1', ['image-1'], targets(1));
    expect(buildSummary(ledger, CONTEXT)).toContain('No job was submitted.');
  });

  it('folds long details', () => {
    const ledger = new Ledger('ap-southeast-1', ['image-1'], targets(1));
    const message = `${'x'.repeat(200)}<end>`;
    ledger.settle(ledger.pairs[0] as Pair, 'failed', { message });
    const summary = buildSummary(ledger, CONTEXT);
    expect(summary).toContain(`<details><summary>${'x'.repeat(80)}…</summary>`);
    expect(summary).toContain(`${'x'.repeat(200)}&lt;end&gt;</details>`);
  });
});

/** Builds a ledger of `images` × `targetCount` pairs with varied outcomes. */
function settledLedger(images: number, targetCount: number): Ledger {
  const imageIds = Array.from({ length: images }, (_, i) => `image-${i}`);
  const ledger = new Ledger('eu-de', imageIds, targets(targetCount));
  ledger.pairs.forEach((pair, index) => {
    if (index % 3 === 0) {
      ledger.settle(pair, 'failed', {
        errorCode: 'IMG.0001',
        message: `Line one\nline "two" of ${index}`,
      });
    } else {
      ledger.markInJob([pair], `job-${index % 7}`);
      ledger.settle(pair, 'success', { memberStatus: 'pending' });
    }
  });
  return ledger;
}

describe('writeResultsFile', () => {
  it.each([
    [0, 0],
    [1, 1],
    [7, 300],
  ])(
    'writes the text of JSON.stringify(results, null, 2) for %i × %i pairs',
    async (images, targetCount) => {
      const dir = await mkdtemp(join(tmpdir(), 'results-file-'));
      try {
        const ledger = settledLedger(images, targetCount);
        const path = await writeResultsFile(ledger, dir);
        expect(path.startsWith(dir)).toBe(true);
        expect(await readFile(path, 'utf8')).toBe(
          `${JSON.stringify(ledger.results(), null, 2)}\n`,
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('compactResults', () => {
  const results = settledLedger(3, 4).results();
  const text = JSON.stringify(results);

  it('returns JSON.stringify(results) when it fits', () => {
    expect(compactResults(results, text.length)).toBe(text);
    expect(compactResults([], 2)).toBe('[]');
  });

  it('returns undefined one character past the limit', () => {
    expect(compactResults(results, text.length - 1)).toBeUndefined();
  });
});

describe('logPairs', () => {
  /** Runs logPairs over the ledger's results and returns the lines. */
  function logged(ledger: Ledger): string[] {
    const lines: string[] = [];
    logPairs(ledger.results(), (line) => lines.push(line));
    return lines;
  }

  it('lists every pair in input order up to the limit', () => {
    const ledger = settledLedger(2, 3);
    const lines = logged(ledger);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(
      'eu-de image-0 -> project project-000: failed (IMG.0001; Line one\nline "two" of 0)',
    );
    expect(lines[1]).toBe(
      'eu-de image-0 -> project project-001: success (pending)',
    );
    expect(lines[5]).toContain('image-1 -> project project-002');
  });

  it('lists problems first past the limit and counts the rest', () => {
    const ledger = settledLedger(5, 300);
    const total = ledger.pairs.length;
    const failed = ledger.results().filter((r) => r.status === 'failed');
    const lines = logged(ledger);
    expect(lines).toHaveLength(MAX_LOGGED_PAIRS + 1);
    const listedFailures = lines.filter((line) => line.includes(': failed'));
    expect(listedFailures).toHaveLength(failed.length);
    expect(lines[failed.length - 1]).toContain(': failed');
    expect(lines[failed.length]).toContain(': success');
    expect(lines.at(-1)).toBe(
      `${total - MAX_LOGGED_PAIRS} more pair(s) are not listed here; the results-file output holds all ${total}.`,
    );
  });
});
