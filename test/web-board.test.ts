/**
 * The web board end to end in headless Chromium (Debian's chromium driven by playwright-core) on
 * the real stack: a rep opens /board with their key, sees only their leads, records no_answer,
 * and both the card's attempt count and the workflow's AttemptCount search attribute change (R8,
 * R22). A manager's /funnel page shows the figures and the chart. Screenshots go to test/artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApiKey } from '../db/keys';
import { CHROMIUM_MISSING, chromiumPath } from '../scripts/chromium';
import { leadWorkflowId, SearchAttributes } from '../workflows/contracts';
import { startStack, type Stack } from './helpers/stack';

const CHROMIUM = chromiumPath();
const ARTIFACTS = path.resolve(__dirname, 'artifacts');

let stack: Stack;
let browser: Browser;
let tag: string;
let capture: Record<string, string>;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(CHROMIUM_MISSING(CHROMIUM));
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  [stack, browser] = await Promise.all([
    startStack('web-board'),
    // --no-sandbox: the test may run as root in a container, where Chromium's sandbox cannot start.
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] }),
  ]);
  tag = stack.taskQueue.slice(-6);
  for (const [id, city] of [
    ['athens', 'Athens'],
    ['tehran', 'Tehran'],
  ]) {
    await stack.addRep(`${id}-${tag}`, `Rep ${id}`, { country: `GR-${tag}`, city });
  }
  capture = await stack.authAs('capture');
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function lead(name: string, city: string): Promise<string> {
  const res = await fetch(`${stack.apiUrl}/v1/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...capture },
    body: JSON.stringify({
      email: `${name}.${randomUUID()}@example.gr`,
      phone: '+30 21 0123 4567',
      firstName: name,
      company: `${name} AE`,
      country: `GR-${tag}`,
      city,
      source: { channel: 'web-form' },
    }),
  });
  expect(res.status).toBe(201);
  const { leadId } = (await res.json()) as { leadId: string };
  for (
    let i = 0;
    i < 200 &&
    (await stack.db.query("SELECT 1 FROM leads WHERE id = $1 AND stage = 'contacting' AND grade IS NOT NULL", [leadId]))
      .length === 0;
    i++
  )
    await new Promise((r) => setTimeout(r, 50));
  return leadId;
}

async function logIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(url);
  await page.fill('#key', key);
  await page.click('#login button[type=submit]');
}

async function attemptCount(leadId: string): Promise<number | undefined> {
  return (await stack.client.workflow.getHandle(leadWorkflowId(leadId)).describe()).typedSearchAttributes.get(
    SearchAttributes.AttemptCount,
  );
}

it('lets a rep log in with their key, see only their leads, and record no_answer: the card and AttemptCount both change (R8, R22)', async () => {
  const [mine, theirs] = await Promise.all([lead('Eleni', 'Athens'), lead('Dariush', 'Tehran')]);
  const key = await createApiKey(stack.db, 'rep', { repId: `athens-${tag}`, label: 'web board test' });
  const page = await browser.newPage();
  await logIn(page, `${stack.apiUrl}/board`, key);

  const card = page.locator(`article.card[data-lead-id="${mine}"]`);
  await card.waitFor();
  expect(await page.locator(`article.card[data-lead-id="${theirs}"]`).count()).toBe(0);
  expect(await page.locator('.column[data-stage="contacting"] .cards article').count()).toBe(1);
  await expect(card.locator('h3').textContent()).resolves.toBe('Eleni');
  await expect(card.locator('.attempts').textContent()).resolves.toBe('0');
  expect(await attemptCount(mine)).toBe(0);

  await card.locator('select[name=outcome]').selectOption('no_answer');
  await card.locator('form.record button').click();
  // A locator, not waitForFunction: the page's Content-Security-Policy (helmet) forbids the eval that one uses.
  await card.locator('.attempts', { hasText: /^1$/ }).waitFor();
  let attempts: number | undefined;
  for (let i = 0; i < 100 && (attempts = await attemptCount(mine)) !== 1; i++)
    await new Promise((r) => setTimeout(r, 50));
  expect(attempts).toBe(1);

  // The key is kept for the tab's session: a reload shows the board again, read from PostgreSQL.
  for (let i = 0; i < 50; i++) {
    await page.reload();
    await card.waitFor();
    if ((await card.locator('.attempts').textContent()) === '1') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await expect(card.locator('.attempts').textContent()).resolves.toBe('1');
  expect(await page.locator('#login').isHidden()).toBe(true);

  // Schedule the next meeting from the card (R7): it becomes the card's next activity, a task on the timeline.
  const meeting = new Date(Date.now() + 12 * 60 * 60 * 1000);
  const local = new Date(meeting.getTime() - meeting.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await card.locator('form.schedule select[name=kind]').selectOption('meeting');
  await card.locator('form.schedule input[name=at]').fill(local);
  await card.locator('form.schedule button').click();
  for (
    let i = 0;
    i < 100 && !((await card.locator('.next').textContent()) ?? '').includes('meeting scheduled by the rep');
    i++
  )
    await new Promise((r) => setTimeout(r, 100));
  await expect(card.locator('.next').textContent()).resolves.toContain('meeting scheduled by the rep');
  expect(await stack.db.query("SELECT 1 FROM tasks WHERE lead_id = $1 AND kind = 'meeting'", [mine])).toHaveLength(1);

  // The timeline on click: the outcome is there with who reported it.
  await card.locator('h3').click();
  await page.locator('#timeline li[data-type="touch"]', { hasText: `no_answer by rep:athens-${tag}` }).waitFor();
  await page.locator('#timeline li[data-type="task"]', { hasText: 'meeting' }).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'board.png'), fullPage: true });
  await page.close();
});

it("shows a rep's error when the key is wrong, and a manager the funnel with its chart (R19)", async () => {
  const page = await browser.newPage();
  await logIn(page, `${stack.apiUrl}/board`, 'not-a-key');
  await page.locator('#login-error', { hasText: 'not accepted' }).waitFor();

  const manager = await createApiKey(stack.db, 'manager', { label: 'web funnel test' });
  await logIn(page, `${stack.apiUrl}/funnel`, manager);
  await page.locator('#figures svg rect[data-stage="contacting"]').waitFor();
  const rows = await page.locator('#figures table').first().locator('tr').count();
  expect(rows).toBe(2);
  await page.screenshot({ path: path.join(ARTIFACTS, 'funnel.png'), fullPage: true });
  await page.close();
});
