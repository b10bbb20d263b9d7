/**
 * `npm run bench:table`: the table of docs/benchmarks.md, from the result files as they are
 * (figure, goal, baseline, ratio, date measured, load), so the document never quotes a figure no file holds.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

type R = Record<string, any>;
const read = (name: string): R | undefined => {
  const file = path.join(__dirname, 'results', `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as R) : undefined;
};
const load = (r: R) => (r.machine?.loadavg as number[] | undefined)?.[0] ?? '—';
const day = (r: R) => String(r.at ?? r.when ?? '').slice(0, 10);
const pct = (share: number) => `${Math.round(share * 100)} %`;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

const rows: [string, (r: R) => [string, string, string, string]][] = [
  [
    'cost',
    (r) => [
      `${r.totalCpuMsPerLead} ms of CPU a new lead (API ${r.cpuMsPerLead.api}, worker ${r.cpuMsPerLead.worker}, Temporal ${r.cpuMsPerLead.temporal}, PostgreSQL ${r.cpuMsPerLead.postgres}): ${r.sustainableLeadsPerSecond} leads/s on ${r.machine.cpus} cores` +
        (r.temporalProfile?.parts
          ? `; Temporal's samples in gRPC ${pct(r.temporalProfile.parts.grpc)}, SQLite ${pct(r.temporalProfile.parts.sqlite)}, the kernel ${pct(r.temporalProfile.inKernel)}`
          : ''),
      '— (the limit of the next three)',
      `idle ${r.baseline.totalCpuMsPerLead} ms`,
      String(r.ratio),
    ],
  ],
  [
    'capture',
    (r) => [
      `${r.api.perSecond}/s`,
      'ratio ≥ 0.8',
      `bare workflow.start ${(r.baseline ?? r.bareWorkflowStart).perSecond}/s`,
      String(r.ratio),
    ],
  ],
  [
    'speed-to-lead',
    (r) => [
      `p99 ${r.p99Ms} ms at ${r.leadsPerSecond}/s${r.curve ? `; met up to ${r.curve.highestRateMeetingGoal}/s` : ''}`,
      'p99 < 1 s',
      `p99 ${r.baseline.p99Ms} ms at ${r.baseline.leadsPerSecond}/s`,
      String(r.ratio),
    ],
  ],
  [
    'burst',
    (r) => [
      `drained ${r.drainSeconds} s after the last of ${r.leads}; ${r.noticesAheadOfFirstTouch} ahead`,
      `≤ ${r.boundSeconds} s; 0 ahead`,
      `provider rate ${r.baseline.seconds} s`,
      String(r.ratio),
    ],
  ],
  [
    'scale',
    (r) => [
      `worker RSS ${mib(r.workerRssBytes)} (peak ${mib(r.workerPeakRssBytes)}) with ${r.leads} leads` +
        (r.rssTrend ? `, ${r.rssTrend.rssAt100kMiB} MiB at 100,000 at its growth from 30 %` : '') +
        `; ${r.storeBytesPerLead} B/lead; ` +
        (r.timerWave?.estimatedMostDueInOneMinute !== undefined
          ? `a wave of ~${r.timerWave.estimatedMostDueInOneMinute} SLA timers due in one minute, lag ≤ ${r.timerWaveMaxLagMs} ms`
          : `timer lag ≤ ${r.timerWaveMaxLagMs} ms`),
      'RSS < 1.5 GiB',
      `at rest ${mib(r.baseline.workerRssBytes)}`,
      String(r.ratio),
    ],
  ],
  [
    'sdk-memory',
    (r) => [
      `the SDK alone, ${r.workflows} one-timer workflows, cache ${r.settings.maxCachedWorkflows}: worker RSS ${mib(r.workerRssBytes)} (peak ${mib(r.workerPeakRssBytes)}), ${r.rssTrend.rssAt100kMiB} MiB at 100,000 at its growth from 30 %`,
      "— (scale's baseline)",
      `at rest ${mib(r.baseline.workerRssBytes)}`,
      String(r.ratio),
    ],
  ],
  [
    'updates',
    (r) => [`p99 ${r.p99Ms} ms`, 'p99 < 300 ms', `bare executeUpdate p99 ${r.baseline.p99Ms} ms`, String(r.ratio)],
  ],
  [
    'preview',
    (r) => [
      `100 leads ${r.hundredLeadsMs ?? r.preview.hundredLeads.wallMs} ms (all through the workflow: ${r.preview.hundredLeads.wallMs} ms), 1 lead ${r.preview.oneLead.wallMs} ms`,
      '< 5 s; 1 lead < 2 s',
      `interpreter ${r.baseline.hundredLeadsMs} ms`,
      String(r.ratios.previewVsInterpreterAt100),
    ],
  ],
  [
    'scale-out',
    (r) => [
      `first touches ${r.twoAndTwo.firstTouchesPerSecond}/s; lost ${r.leadsLost}/${r.emailsLost}/${r.timersLost ?? '—'}, ${r.duplicateMessageIds} dup. ids`,
      'nothing lost',
      `one of each ${r.baseline.firstTouchesPerSecond}/s`,
      String(r.ratio),
    ],
  ],
  [
    'email',
    (r) => [
      `${r.outboxPerSecond} e-mails/s, ${r.duplicates} duplicates`,
      '—',
      `bare nodemailer ${r.barePooledNodemailerPerSecond}/s`,
      String(r.ratio),
    ],
  ],
  [
    'funnel',
    (r) => [
      `a year's funnel ${r.queries['funnel: a year, every rep and source'].medianMs} ms`,
      '—',
      `count(*) ${r.baseline.medianMs} ms`,
      String(r.queries['funnel: a year, every rep and source'].ratioToBaseline),
    ],
  ],
];

console.log('| benchmark | figure | goal | baseline (same run) | ratio | measured | load (1 min) |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [name, cells] of rows) {
  const r = read(name);
  if (!r) {
    console.log(`| ${name} | not run | | | | | |`);
    continue;
  }
  const [figure, goal, baseline, ratio] = cells(r);
  console.log(`| \`${name}\` | ${figure} | ${goal} | ${baseline} | ${ratio} | ${day(r)} | ${load(r)} |`);
}
