/**
 * Job lifecycle: a job reads `INIT` for the first part of its duration,
 * then `RUNNING`, and ends `SUCCESS` or `FAIL`. Its work runs at the end,
 * on the emulator clock, triggered by a real-time timer or by the next
 * request that finds it due.
 */
import type { EmulatorClock } from './clock.js';
import { newJobId } from './ids.js';
import { CopyOnWriteMembers } from './member-draft.js';
import type { Store } from './store.js';
import { isoMillis } from './time-format.js';
import type { Job, JobItem, JobStatus, JobType, MemberDraft } from './types.js';

/** Job submission of a handler. */
export interface JobRequest {
  type: JobType;
  projectId: string;
  run: (draft: MemberDraft) => JobItem[];
  /** Emulator-clock duration; null never finishes; undefined uses settings. */
  durationMs?: number | null;
}

/** Creates, times and settles jobs. */
export class JobEngine {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: Store,
    private readonly clock: EmulatorClock,
  ) {}

  /** Creates a job and schedules its end. */
  submit(request: JobRequest): Job {
    const job: Job = {
      id: newJobId(),
      type: request.type,
      projectId: request.projectId,
      beginMs: this.clock.now(),
      durationMs:
        request.durationMs === undefined
          ? this.store.settings.jobDurationMs
          : request.durationMs,
      items: [],
      outcome: null,
      errorCode: null,
      failReason: null,
      run: request.run,
    };
    this.store.jobs.set(job.id, job);
    this.schedule(job);
    return job;
  }

  /** Changes a running job's duration (null: never finishes). */
  setDuration(jobId: string, durationMs: number | null): void {
    const job = this.store.jobs.get(jobId);
    if (!job) {
      throw new Error(`job ${jobId} not found`);
    }
    if (job.outcome !== null) {
      throw new Error(`job ${jobId} has already ended with ${job.outcome}`);
    }
    job.durationMs = durationMs;
    this.schedule(job);
    this.settleDue();
  }

  /** Returns the status of a job at the current emulator time. */
  status(job: Job): JobStatus {
    if (job.outcome !== null) {
      return job.outcome;
    }
    const elapsed = this.clock.now() - job.beginMs;
    // A job that never finishes still leaves INIT after the usual share.
    const plannedMs = job.durationMs ?? this.store.settings.jobDurationMs;
    const initMs = plannedMs * this.store.settings.jobInitFraction;
    return elapsed < initMs ? 'INIT' : 'RUNNING';
  }

  /** Ends every job whose end time has passed, in end-time order. */
  settleDue(): void {
    const now = this.clock.now();
    const due = [...this.store.jobs.values()]
      .filter((job) => job.outcome === null && endMs(job) <= now)
      .sort((left, right) => endMs(left) - endMs(right));
    due.forEach((job) => this.settle(job));
  }

  /** Stops all timers. */
  close(): void {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
  }

  /** Formats the ShowJob body of a job. */
  view(job: Job): Record<string, unknown> {
    const status = this.status(job);
    const ended = job.outcome !== null;
    return {
      status,
      entities: ended ? { results: this.resultItems(job) } : {},
      job_id: job.id,
      job_type: job.type,
      begin_time: isoMillis(job.beginMs),
      end_time: ended ? isoMillis(endMs(job)) : '',
      error_code: job.errorCode,
      fail_reason: job.failReason,
    };
  }

  private resultItems(job: Job): Record<string, string>[] {
    const mode = this.store.settings.resultItems;
    if (job.type === 'imsDelImageMembersJob' || mode === 'none') {
      return [];
    }
    return job.items.map((item) =>
      mode === 'full'
        ? {
            image_id: item.imageId,
            project_id: item.target,
            status: item.status,
          }
        : { image_id: item.imageId, status: item.status },
    );
  }

  private schedule(job: Job): void {
    clearTimeout(this.timers.get(job.id));
    this.timers.delete(job.id);
    if (job.durationMs === null) {
      return;
    }
    const remaining = Math.max(0, endMs(job) - this.clock.now());
    const timer = setTimeout(
      () => {
        this.timers.delete(job.id);
        this.settleDue();
        if (job.outcome === null) {
          this.schedule(job);
        }
      },
      this.clock.toRealMs(remaining) + 1,
    );
    timer.unref();
    this.timers.set(job.id, timer);
  }

  private settle(job: Job): void {
    const draft = new CopyOnWriteMembers();
    job.items = job.run(draft);
    const failures = job.items.filter((item) => item.status === 'failed');
    const failJob =
      failures.length > 0 &&
      (this.store.settings.failedPairMode === 'fail-job' ||
        failures.length === job.items.length);
    job.outcome = failJob ? 'FAIL' : 'SUCCESS';
    job.errorCode = failures[0]?.errorCode ?? null;
    job.failReason = failures[0]?.errorMessage ?? null;
    if (failJob) {
      job.items = job.items.map((item) => ({ ...item, status: 'failed' }));
      return;
    }
    draft.commit(isoMillis(endMs(job)));
  }
}

function endMs(job: Job): number {
  return job.durationMs === null ? Infinity : job.beginMs + job.durationMs;
}
