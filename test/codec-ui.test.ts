/**
 * Issue 13.2 end to end: the real Temporal Web UI (a dev server started with `--ui-codec-endpoint`
 * pointed at the API, as `npm start` does) in headless Chromium shows a live lead's payloads decoded
 * through the codec server, and `[erased]` once the lead is erased.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { hashKey } from '../db/keys';
import { CHROMIUM_MISSING, chromiumPath } from '../scripts/chromium';
import { freePort, startDevServer, type RunningProcess } from '../scripts/processes';
import { leadWorkflowId } from '../workflows/contracts';
import { startStack, type Stack } from './helpers/stack';
import { testRun } from './setup/run';

const CHROMIUM = chromiumPath();
let stack: Stack;
let server: RunningProcess;
let browser: Browser;
let uiUrl: string;
// A manager key made here: the UI's codec endpoint names it, and the UI starts before the stack's database work.
const managerKey = `rk_manager_${randomBytes(24).toString('base64url')}`;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING(CHROMIUM));
  const [temporalPort, uiPort, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
  uiUrl = `http://127.0.0.1:${uiPort}`;
  server = await startDevServer({
    bin: testRun().temporalBin,
    port: temporalPort,
    uiPort,
    uiCodecEndpoint: `http://127.0.0.1:${apiPort}/codec/key/${managerKey}`,
  });
  [stack, browser] = await Promise.all([
    startStack('codec-ui', { temporalAddress: server.address, apiPort, app: { temporalUiOrigin: uiUrl } }),
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] }),
  ]);
  await stack.db.query("INSERT INTO api_keys (key_hash, role, label) VALUES ($1, 'manager', 'codec UI test')", [
    hashKey(managerKey),
  ]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await server?.stop();
}, 60_000);

it('shows a manager the decoded input of a live lead in the Temporal UI, and [erased] after the erasure', async () => {
  const email = `ui.${Date.now()}@example.fi`;
  const res = await stack.call('POST', '/v1/leads', await stack.authAs('capture'), {
    email,
    firstName: 'Ulla',
    company: 'Käyttöliittymä Oy',
  });
  expect(res.status).toBe(201);
  const leadId: string = res.body.leadId;
  await stack.smtp.waitFor((m) => m.envelopeTo.includes(email));

  const page = await browser.newPage();
  const codecCalls: number[] = [];
  page.on('response', (r) => r.url().includes('/codec/') && codecCalls.push(r.status()));
  await page.goto(`${uiUrl}/namespaces/default/workflows/${leadWorkflowId(leadId)}`);
  // The input holds the lead id and `reachableBy`; only the codec server can have turned the ciphertext into that.
  await page.getByText('reachableBy').first().waitFor({ timeout: 30_000 });
  expect(codecCalls.length).toBeGreaterThan(0);
  expect(codecCalls.every((status) => status === 200)).toBe(true);

  expect((await stack.call('POST', `/v1/admin/leads/${leadId}/erase`, await stack.authAs('admin'))).status).toBe(200);
  await page.reload();
  await page.getByText('[erased]').first().waitFor({ timeout: 30_000 });
  expect(await page.getByText('reachableBy').count()).toBe(0);
  await page.screenshot({ path: 'test/artifacts/codec-ui-erased.png', fullPage: true }).catch(() => undefined);
}, 120_000);
