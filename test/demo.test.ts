/**
 * `npm run demo` against a running stack with a compressed clock (issue: a demo a newcomer can
 * watch): the real script in a child process, the real API, worker, dev server, database and SMTP.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { testRun } from './setup/run';
import { startStack, type Stack } from './helpers/stack';
import { waitUntil } from './helpers/wait';

let stack: Stack;
let dir: string;

beforeAll(async () => {
  stack = await startStack('demo', { app: { timeScale: 720 } });
  dir = mkdtempSync(path.join(tmpdir(), 'ripen-demo-'));
});
afterAll(async () => {
  // The demo's territories (FI, GR, IR, UA) would route later tests' leads: retire them.
  await stack.db.query("DELETE FROM territories WHERE rep_id LIKE 'demo-%'");
  await stack.db.query("UPDATE reps SET available = false WHERE id LIKE 'demo-%'");
  await stack.close();
  rmSync(dir, { recursive: true, force: true });
});

it('plays a few dozen leads through every stage within seconds and tells where they are', async () => {
  const stackFile = path.join(dir, 'stack.json');
  writeFileSync(
    stackFile,
    JSON.stringify({ apiUrl: stack.apiUrl, databaseUrl: testRun().databaseUrl, timeScale: 720 }),
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, '..', 'scripts', 'demo.ts')],
    {
      env: { ...process.env, RIPEN_STACK_FILE: stackFile, DEMO_LEADS: '16' },
      timeout: 120_000,
    },
  );
  expect(stdout).toContain('16 leads (the first captured twice)');
  const leadIds = [...stdout.matchAll(/^ {2}([0-9a-f-]{36}) /gm)].map((m) => m[1]!);
  expect(leadIds).toHaveLength(16);

  const stages = async () => {
    const rows = await stack.db.query<{ stage: string; count: string }>(
      'SELECT stage, count(*) FROM leads WHERE id = ANY($1) GROUP BY stage',
      [leadIds],
    );
    return Object.fromEntries(rows.map((r) => [r.stage, Number(r.count)]));
  };
  // Two of each of the eight scenarios; the timers (SLA breach) run on the compressed clock.
  await waitUntil(async () => {
    const s = await stages();
    return s.converted === 4 && s.disqualified === 2 && s.not_interested === 4;
  }, 30_000);
  expect(await stages()).toMatchObject({ converted: 4, disqualified: 2, not_interested: 4 });
  expect((await stages()).nurturing).toBeGreaterThanOrEqual(3);
  await waitUntil(
    async () =>
      (
        await stack.db.query("SELECT 1 FROM sent_emails WHERE lead_id = ANY($1) AND template = 'manager-sla_breach'", [
          leadIds,
        ])
      ).length >= 2,
    30_000,
  );
  // Every lead got its first-touch e-mail through the real SMTP server, once.
  const firstTouches = await stack.db.query(
    "SELECT lead_id FROM sent_emails WHERE lead_id = ANY($1) AND template = 'first-touch' AND status = 'sent'",
    [leadIds],
  );
  expect(firstTouches).toHaveLength(16);
});
