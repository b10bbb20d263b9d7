/**
 * The rep administration page end to end in headless Chromium (playwright-core) on the real stack
 * (issue 14.1): an admin opens /admin/reps with their key, adds a rep, sees the API's 400 for a
 * bad territory, edits territories, languages and an away window, and deactivates the rep; each
 * change is in the API's audit. Screenshot to test/artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createApiKey } from '../db/keys';
import { findRep, repAudit } from '../db/rep-admin';
import { CHROMIUM_MISSING, chromiumPath } from '../scripts/chromium';
import { startStack, type Stack } from './helpers/stack';

const CHROMIUM = chromiumPath();
const ARTIFACTS = path.resolve(__dirname, 'artifacts');

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING(CHROMIUM));
  mkdirSync(ARTIFACTS, { recursive: true });
  [stack, browser] = await Promise.all([
    startStack('web-reps', { worker: false }),
    // --no-sandbox: the test may run as root in a container, where Chromium's sandbox cannot start.
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

it('lets an admin add, edit and deactivate a rep on /admin/reps, each change audited', async () => {
  const tag = stack.taskQueue.slice(-6);
  const id = `page-${tag}`;
  const key = await createApiKey(stack.db, 'admin', { label: 'web reps test' });
  const page = await browser.newPage();
  await page.goto(`${stack.apiUrl}/admin/reps`);
  await page.fill('#key', key);
  await page.click('#login button[type=submit]');

  const add = page.locator('#add-rep');
  await add.locator('input[name=id]').fill(id);
  await add.locator('input[name=name]').fill('Oona Oulu');
  await add.locator('input[name=email]').fill(`oona-${tag}@example.fi`);
  await add.locator('input[name=territories]').fill('Finland');
  await add.locator('button[type=submit]').click();
  await page.locator('#add-error', { hasText: 'territories.0.country: must be an ISO 3166-1 alpha-2' }).waitFor();
  expect(await findRep(stack.db, id)).toBeUndefined();

  await add.locator('input[name=territories]').fill(`FI/Oulu-${tag}, FI/Lapland/*`);
  await add.locator('input[name=languages]').fill('fi, en');
  await add.locator('button[type=submit]').click();
  const row = page.locator(`#reps tr[data-rep-id="${id}"]`);
  await row.locator('.territories', { hasText: `FI/Oulu-${tag}, FI/Lapland/*` }).waitFor();
  await expect(row.locator('.languages').textContent()).resolves.toBe('fi, en');
  await expect(row.locator('.state').textContent()).resolves.toBe('available');

  await row.locator('button.edit').click();
  const edit = page.locator('#edit-rep');
  await expect(edit.locator('input[name=territories]').inputValue()).resolves.toBe(`FI/Oulu-${tag}, FI/Lapland/*`);
  await edit.locator('input[name=territories]').fill('FI');
  await edit.locator('input[name=weight]').fill('2');
  await edit.locator('input[name=away]').fill('2026-07-01..2026-07-29');
  await edit.locator('button[type=submit]').click();
  await page.locator('#reps-message', { hasText: `${id}: changed territories, weight, away.` }).waitFor();
  await row.locator('.territories', { hasText: /^FI$/ }).waitFor();
  await expect(row.locator('.weight').textContent()).resolves.toBe('2');
  expect(await findRep(stack.db, id)).toMatchObject({
    territories: [{ country: 'FI' }],
    weight: 2,
    away: [{ from: '2026-07-01T00:00:00.000Z', to: '2026-07-29T00:00:00.000Z' }],
  });
  await page.screenshot({ path: path.join(ARTIFACTS, 'admin-reps.png'), fullPage: true });

  page.once('dialog', (dialog) => void dialog.accept());
  await row.locator('button.deactivate').click();
  await page.locator('#reps-message', { hasText: `${id} deactivated; 0 open lead(s) being reassigned.` }).waitFor();
  await row.waitFor({ state: 'detached' });
  await page.locator('#show-inactive').check();
  await row.locator('.state', { hasText: 'deactivated' }).waitFor();
  expect(await row.locator('button').count()).toBe(0);
  expect((await repAudit(stack.db, id)).map((e) => e.action)).toEqual(['created', 'updated', 'deactivated']);
  await page.close();
});
