/**
 * Right to left, as a reader sees it (issue 14.4): the Persian first touch opened in headless
 * Chromium (Debian's chromium driven by playwright-core) lays out right to left, with the Latin
 * names isolated so they keep their own order. The screenshot goes to test/artifacts/ (a copy is
 * kept as docs/images/first-touch-fa.png for docs/languages.md).
 */
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_MISSING, chromiumPath } from '../scripts/chromium';
import { firstTouchEmail } from '../domain/emails';
import { finished } from '../domain/outgoing';

const CHROMIUM = chromiumPath();
const ARTIFACTS = path.resolve(__dirname, 'artifacts');
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING(CHROMIUM));
  mkdirSync(ARTIFACTS, { recursive: true });
  // --no-sandbox: the test may run as root in a container, where Chromium's sandbox cannot start.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});
afterAll(() => browser?.close());

it('lays the Persian first touch out right to left, Latin names isolated in their own order', async () => {
  const mail = finished(firstTouchEmail({ firstName: 'Sara', company: 'Pars Data Co.' }, 'Mina Karimi', 'fa'));
  const page = await browser.newPage({ viewport: { width: 640, height: 480 } });
  await page.setContent(mail.html);
  // A string, evaluated in the page: the test's TypeScript has no DOM types.
  const layout = await page.evaluate(`(() => {
    const paragraphs = [...document.querySelectorAll('p')];
    const body = document.body.getBoundingClientRect();
    return {
      lang: document.documentElement.lang,
      direction: getComputedStyle(document.body).direction,
      // Right to left: every paragraph's text hugs the right edge.
      gapsRight: paragraphs.map((p) => {
        const range = document.createRange();
        range.selectNodeContents(p);
        return Math.round(body.right - range.getBoundingClientRect().right);
      }),
      isolated: [...document.querySelectorAll('bdi')].map((b) => b.textContent),
    };
  })()`);
  expect(layout).toEqual({
    lang: 'fa',
    direction: 'rtl',
    gapsRight: [0, 0, 0, 0],
    isolated: ['Sara', 'Mina Karimi', 'Pars Data Co.', 'Mina Karimi'],
  });
  await page.screenshot({ path: path.join(ARTIFACTS, 'first-touch-fa.png'), fullPage: true });
  await page.close();
});
