/**
 * `npm run cadence:preview -- <cadence> [--lead fixture.json] [--events script.json] [--days 90]`:
 * runs the real lead workflow through the cadence on a time-skipping test server of its own, with
 * stub activities, and prints the timeline.
 */
import { readFileSync } from 'node:fs';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { CADENCES } from '../cadences';
import { formatTimeline, previewCadence, type PreviewEvent } from '../preview/runner';
import type { PreviewLead } from '../preview/stub-activities';
import { freePort, startTimeSkippingServer, type RunningProcess } from './processes';
import { ensureTools } from './tools';

const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m: string) => console.error(m),
};

function parse(argv: string[]): { cadence: string; lead?: PreviewLead; events?: PreviewEvent[]; days?: number } {
  const [cadence, ...rest] = argv;
  const usage = `usage: npm run cadence:preview -- <cadence> [--lead fixture.json] [--events script.json] [--days N]\ncadences: ${CADENCES.map((c) => c.id).join(', ')}`;
  if (!cadence || cadence.startsWith('-')) throw new Error(usage);
  const out: ReturnType<typeof parse> = { cadence };
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value\n${usage}`);
    if (flag === '--lead') out.lead = JSON.parse(readFileSync(value, 'utf8')) as PreviewLead;
    else if (flag === '--events') out.events = JSON.parse(readFileSync(value, 'utf8')) as PreviewEvent[];
    else if (flag === '--days') out.days = Number(value);
    else throw new Error(`unknown option ${flag}\n${usage}`);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
  const tools = ensureTools();
  let server: RunningProcess | undefined;
  try {
    const [started, bundle] = await Promise.all([
      freePort().then((port) => startTimeSkippingServer(tools.testServer, port)),
      bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quiet }),
    ]);
    server = started;
    const wall = Date.now();
    const result = await previewCadence({ address: server.address, workflowBundle: bundle, ...args });
    console.log(formatTimeline(result));
    console.log(`(previewed ${args.days ?? 90} days in ${((Date.now() - wall) / 1000).toFixed(1)} s)`);
  } finally {
    await server?.stop();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
