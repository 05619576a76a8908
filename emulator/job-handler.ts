import { callerProject, type HandlerContext } from './context.js';
import { imsError, ok, type Reply } from './reply.js';

/**
 * Handles ShowJob (`GET /v1/{project_id}/jobs/{job_id}`). A job of another
 * project reads as not found (404 IMG.0023), like an unknown job ID.
 */
export function showJob(context: HandlerContext): Reply {
  const { projectId } = callerProject(context);
  const jobId = context.params.job_id ?? '';
  const job = context.store.jobs.get(jobId);
  if (!job || job.projectId !== projectId) {
    throw imsError(404, 'IMG.0023', `The job is not found: ${jobId}.`);
  }
  return ok(context.jobs.view(job));
}
