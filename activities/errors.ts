import { ApplicationFailure, Context } from '@temporalio/activity';

/**
 * Attempts during which a missing lead row counts as "not visible yet". A capture commits its
 * transaction just after Temporal has accepted the workflow's signal (api/capture.ts: so a
 * capture Temporal refused leaves nothing behind), so the first activities can run before the
 * row is visible. With the 1 s initial retry interval doubling, five attempts wait ~15 s.
 */
export const LEAD_VISIBILITY_ATTEMPTS = 5;

/** The failure for a lead row that is not there: retried while it may still be committing, then final. */
export function leadNotFound(leadId: string): ApplicationFailure {
  const attempt = currentAttempt();
  if (attempt !== undefined && attempt < LEAD_VISIBILITY_ATTEMPTS) {
    return ApplicationFailure.retryable(
      `Lead ${leadId} is not visible yet (attempt ${attempt}); its capture may still be committing`,
      'LeadNotYetVisible',
    );
  }
  return ApplicationFailure.nonRetryable(`Lead ${leadId} does not exist`, 'LeadNotFound');
}

/** The running activity's attempt; undefined when called outside an activity (a direct call in a script or test). */
function currentAttempt(): number | undefined {
  try {
    return Context.current().info.attempt;
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL classes whose errors a retry cannot fix: 22 (data exception: a value it cannot store,
 * e.g. a NUL character) and 23 (integrity constraint violation). Every other class (connection,
 * lock timeout, serialization, shutdown) is transient.
 */
const PERMANENT_SQLSTATE_CLASSES = new Set(['22', '23']);

/**
 * The failure a retry cannot fix, as a non-retryable ApplicationFailure with a type the workflow
 * and the timeline show; undefined for an error worth retrying. The message names the cause, never
 * the value (PostgreSQL's `detail`, which may quote personal data, stays out).
 */
export function permanentFailure(err: unknown): ApplicationFailure | undefined {
  if (err instanceof ApplicationFailure) return undefined; // already classified where it was thrown
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, message, name } = err as { code?: unknown; message?: unknown; name?: unknown };
  const text = typeof message === 'string' ? message : String(err);
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && PERMANENT_SQLSTATE_CLASSES.has(code.slice(0, 2))) {
    const type = code.startsWith('22') ? 'DataRejected' : 'ConstraintViolated';
    return ApplicationFailure.nonRetryable(`PostgreSQL refused the write (SQLSTATE ${code}): ${text}`, type);
  }
  // A template that is missing or does not render (domain/templates.ts): a code change fixes it, a retry does not.
  if (name === 'TemplateError') return ApplicationFailure.nonRetryable(text, 'TemplateError');
  return undefined;
}

/**
 * The same activities, each throwing its permanent failures as non-retryable (see permanentFailure):
 * such a failure goes back to the workflow at once, which records it and goes on, instead of the
 * activity retrying forever. Transient errors pass through unchanged and are retried with backoff.
 */
export function classifyFailures<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw permanentFailure(err) ?? err;
      }
    };
  }
  return wrapped as T;
}
