import type { Transporter } from 'nodemailer';
import type { Db } from '../db';
import type { ScoringModel } from '../domain/scoring';
import { createCadenceActivities } from './cadence';
import { classifyFailures } from './errors';
import { createLifecycleActivities } from './lifecycle';
import { createNotifyActivities, type MailSettings } from './send-email';
import { createRoutingActivities } from './routing';
import { createRunEffects } from './run-effects';
import { createScoringActivities } from './scoring';
import { createWelcomeActivities } from './welcome';

export interface ActivityDeps {
  db: Db;
  mailer: Transporter;
  mail: MailSettings;
  /** R14: the model new scores use (default: DEFAULT_MODEL). */
  scoringModel?: ScoringModel;
}

/**
 * Activities are thin adapters built from their dependencies: the worker wires
 * real ones, tests may pass others. Decisions stay in the workflow and in domain/.
 */
export function createActivities(deps: ActivityDeps) {
  const activities = classifyFailures({
    ...createMailActivities(deps),
    ...createLifecycleActivities(deps),
    ...createRoutingActivities(deps),
    ...createScoringActivities({ db: deps.db, model: deps.scoringModel }),
    ...createCadenceActivities(deps),
  });
  return { ...activities, ...createRunEffects(activities) };
}

export type LeadActivities = ReturnType<typeof createActivities>;

/** What the e-mail worker runs: every activity that talks to the SMTP server, the welcome (routing, then the first touch) included. */
export function createMailActivities(deps: ActivityDeps) {
  const notify = createNotifyActivities(deps);
  return classifyFailures({
    ...notify,
    ...createWelcomeActivities({ notify, routing: createRoutingActivities(deps) }),
  });
}

export type MailActivities = ReturnType<typeof createMailActivities>;
