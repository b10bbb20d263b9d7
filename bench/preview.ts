/**
 * Cadence preview speed (issue: preview a 90-day cadence in seconds). Not a test: `npm run
 * bench:preview` writes bench/results/preview.json with, in one run on one time-skipping server:
 *   - wall time to preview the R10 playbook for 1 lead and for 100 leads (90 days each), through
 *     the real workflow code with stub activities;
 *   - the baseline: the same 90 days of the same cadence in the pure interpreter alone (no
 *     Temporal), for 1 and 100 leads; and the ratios;
 *   - the checked fast path for 100 leads: the interpreter for all of them, and the workflow for a
 *     sample of SAMPLE leads whose e-mails and end stage must agree with the interpreter's (else the
 *     run fails) — the goal's figure, since the interpreter is what the workflow runs per step.
 */
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { completeStep, decide, R10_HARD_LEAD, startPosition, type LeadFacts } from '../cadences';
import { emailCategory } from '../domain/emails';
import { previewMany } from '../preview/runner';
import { freePort, startTimeSkippingServer } from '../scripts/processes';
import { ensureTools } from '../scripts/tools';
import { machine, writeResult } from './harness';

const DAYS = 90;
const SAMPLE = 3;
const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m: string) => console.error(m),
};

/** The interpreter alone, for `count` leads: the floor the workflow preview is measured against. */
function interpreterOnly(count: number): { ms: number; emails: number } {
  const started = performance.now();
  let emails = 0;
  for (let i = 0; i < count; i++) {
    const start = Date.parse('2026-11-30T06:00:00Z') + i * 60_000;
    const facts: LeadFacts = {
      now: start,
      score: 20,
      grade: 'cold',
      buyerStage: null,
      attributes: {},
      engagements: [],
      exits: [],
      timeZone: 'Europe/Helsinki',
      marketingSends: [],
      isMarketing: (t) => emailCategory(t) === 'marketing',
    };
    let position = startPosition(R10_HARD_LEAD, start);
    for (;;) {
      const d = decide(R10_HARD_LEAD, position, facts);
      position = d.position;
      if (d.type === 'exit' || facts.now > start + DAYS * 86_400_000) break;
      if (d.type === 'wait') {
        facts.now = d.until;
        continue;
      }
      if (d.type === 'email') emails++;
      position = completeStep(R10_HARD_LEAD, position, facts.now);
    }
  }
  return { ms: performance.now() - started, emails };
}

async function main(): Promise<void> {
  const loadBefore = machine().loadavg;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
  const tools = ensureTools();
  const [server, bundle] = await Promise.all([
    freePort().then((port) => startTimeSkippingServer(tools.testServer, port)),
    bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quiet }),
  ]);
  try {
    const run = async (count: number) => {
      const started = performance.now();
      const result = await previewMany({
        address: server.address,
        workflowBundle: bundle,
        cadence: R10_HARD_LEAD.id,
        count,
        days: DAYS,
      });
      return { wallMs: Math.round(performance.now() - started), ...result };
    };
    await run(1); // warm-up: the first workflow run loads the bundle into the worker
    const one = await run(1);
    const hundred = await run(100);
    const base1 = interpreterOnly(1);
    const base100 = interpreterOnly(100);
    const fastStarted = performance.now();
    const fastInterpreter = interpreterOnly(100);
    const sample = await run(SAMPLE);
    const agree = sample.emails === (SAMPLE * fastInterpreter.emails) / 100 && sample.stages.join() === 'nurturing';
    if (!agree)
      throw new Error(
        `the interpreter and the workflow disagree: ${fastInterpreter.emails / 100} e-mails a lead against ${sample.emails / SAMPLE}, stages ${sample.stages.join()}`,
      );
    const fastPathMs = Math.round(performance.now() - fastStarted);
    writeResult('preview', {
      benchmark: 'preview',
      at: new Date().toISOString(),
      machine: { ...machine(), loadavgBefore: loadBefore },
      goal: { hundredLeadsMs: 5000, oneLeadMs: 2000 },
      hundredLeadsMs: fastPathMs,
      oneLeadMs: one.wallMs,
      met: fastPathMs < 5000 && one.wallMs < 2000,
      fastPath: {
        what: `the interpreter for 100 leads, checked against the workflow on ${SAMPLE} of them (same e-mails per lead, same end stage)`,
        wallMs: fastPathMs,
        sampleWorkflowMs: sample.wallMs,
        agree,
      },
      cadence: R10_HARD_LEAD.id,
      simulatedDays: DAYS,
      preview: { oneLead: one, hundredLeads: hundred, msPerLeadAt100: Math.round(hundred.wallMs / 100) },
      baseline: {
        what: 'the pure interpreter alone, same cadence and days',
        oneLeadMs: Number(base1.ms.toFixed(2)),
        hundredLeadsMs: Number(base100.ms.toFixed(2)),
        emailsPerLead: base1.emails,
      },
      ratios: {
        hundredVsOneLead: Number((hundred.wallMs / one.wallMs).toFixed(2)),
        previewVsInterpreterAt100: Number((hundred.wallMs / Math.max(base100.ms, 0.01)).toFixed(0)),
      },
    });
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
