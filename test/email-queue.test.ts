/**
 * The e-mail activities run on a task queue of their own, where the worker caps sends per second
 * for the mail provider (issue: a burst of 10,000 captures must not get the sender blocked).
 * Real dev server, database and SMTP server.
 */
import { leadWorkflowId } from '../workflows/contracts';
import { startStack, type Stack } from './helpers/stack';

const RATE = 2;
let stack: Stack;
let capture: Record<string, string>;

beforeAll(async () => {
  stack = await startStack('email-queue', { emailsPerSecond: RATE });
  capture = await stack.authAs('capture');
});
afterAll(() => stack.close());

async function captureLead(email: string, country = 'QQ'): Promise<string> {
  const res = await fetch(`${stack.apiUrl}/v1/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...capture },
    body: JSON.stringify({ email, firstName: 'Queue', country }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { leadId: string }).leadId;
}

/**
 * The welcome activity's started event. The server writes it to history when the attempt closes, which can be a moment
 * after the SMTP sink has the e-mail (the activity still records the send): read the history until it is there.
 */
async function welcomeStarted(leadId: string) {
  const handle = stack.client.workflow.getHandle(leadWorkflowId(leadId));
  for (;;) {
    const events = (await handle.fetchHistory()).events ?? [];
    const welcome = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'welcomeLead');
    const started = events.find(
      (e) => welcome && Number(e.activityTaskStartedEventAttributes?.scheduledEventId) === Number(welcome.eventId),
    );
    if (started) return started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('schedules every send on <queue>-email, and a burst of first touches goes out no faster than the configured rate', async () => {
  const tag = stack.taskQueue.slice(-6);
  const addresses = Array.from({ length: 10 }, (_, i) => `burst${i}.${tag}@example.fi`);
  const leadIds = await Promise.all(addresses.map((address) => captureLead(address)));
  const mails = await stack.smtp.waitFor(
    (m) =>
      m.envelopeTo.some((to) => addresses.includes(to)) && /Thanks for getting in touch/.test(m.parsed.subject ?? ''),
    { count: addresses.length, timeoutMs: 60_000 },
  );
  expect(new Set(mails.flatMap((m) => m.envelopeTo)).size).toBe(addresses.length);

  // The server hands out at most RATE tasks a second on the e-mail queue, after a burst of a few: the ten welcomes
  // (routing, then the first touch) start over seconds, where the uncapped queue starts them within a fraction of
  // one. The bound is half the span without a burst, so the server's burst size cannot make it flaky.
  const starts: number[] = [];
  for (const leadId of leadIds) {
    const started = await welcomeStarted(leadId);
    starts.push(started.eventTime!.seconds!.toNumber() * 1000 + Math.floor(started.eventTime!.nanos! / 1e6));
  }
  starts.sort((a, b) => a - b);
  expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(((addresses.length - 1) / RATE / 2) * 1000);

  const history = await stack.client.workflow.getHandle(leadWorkflowId(leadIds[0]!)).fetchHistory();
  const scheduled = history.events!.flatMap((e) =>
    e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : [],
  );
  const queueOf = (type: string) => scheduled.find((a) => a.activityType?.name === type)?.taskQueue?.name;
  // The welcome (routing, then the first touch) is an e-mail activity; notices to reps and managers go through their
  // own queue, outside the provider's rate; the lead row's writes stay on the lead queue.
  expect(queueOf('welcomeLead')).toBe(`${stack.taskQueue}-email`);
  expect(queueOf('notifyRep') ?? queueOf('notifyManager')).toBe(`${stack.taskQueue}-notices`);
  expect(queueOf('runEffects')).toBe(stack.taskQueue); // recordStage, cadenceProfile, scoreLead: one activity
});

it('delivers notices to the rep while first touches still wait on the provider rate, not behind them', async () => {
  const tag = `${stack.taskQueue.slice(-6)}n`;
  // A rep of this test's own territory: other test files may add reps to the run's database at any time, so the
  // notices counted are the new-lead notices to this rep, whoever else routing knows.
  const repId = `queue-${tag}`;
  const repEmail = `${repId}@reps.ripen.test`;
  await stack.addRep(repId, 'Rep Queue', { country: `ORD-${tag}` });
  const addresses = Array.from({ length: 20 }, (_, i) => `order${i}.${tag}@example.fi`);
  await Promise.all(addresses.map((address) => captureLead(address, `ORD-${tag}`)));
  const firstTouches = await stack.smtp.waitFor(
    (m) =>
      m.envelopeTo.some((to) => addresses.includes(to)) && /Thanks for getting in touch/.test(m.parsed.subject ?? ''),
    { count: addresses.length, timeoutMs: 120_000 },
  );
  const lastFirstTouch = Math.max(...firstTouches.map((m) => m.receivedAt));
  // Each welcome tells the rep of the new lead once its first touch is out. At RATE first touches a second the twenty
  // take about ten seconds; on the e-mail queue each notice would wait behind every first touch scheduled before it
  // (the last ones arrive after the last first touch), on its own queue it leaves as soon as its welcome is done.
  await stack.smtp.waitFor((m) => m.envelopeTo.includes(repEmail), { count: addresses.length, timeoutMs: 120_000 });
  const notices = stack.smtp.messages.filter((m) => m.envelopeTo.includes(repEmail) && m.receivedAt < lastFirstTouch);
  expect(notices.length).toBeGreaterThan(0);
});
