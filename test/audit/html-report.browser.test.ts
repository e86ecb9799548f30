/**
 * Opens the HTML report in a real headless Chromium (Debian's package, driven by playwright-core) and checks
 * what a reader sees. .ci/run installs chromium; the screenshot lands in test/tmp/ for a person to look at.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { renderRecord } from '../../src/audit/render-record';
import { HOSTILE_NAME, sampleRecord } from './sample-record';

const CHROMIUM = '/usr/bin/chromium';
const OUT = join(__dirname, '../tmp');

describe('the HTML audit report in a real browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60000);

  afterAll(async () => browser?.close());

  it('opens with the summary above the fold; the details open without scripts; no script runs, nothing is fetched', async () => {
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'audit-report.html');
    writeFileSync(file, renderRecord(sampleRecord(), 'html'));
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => request.url() !== `file://${file}` && requests.push(request.url()));
    await page.goto(`file://${file}`);

    const summary = page.locator('section.summary');
    expect(await summary.innerText()).toContain('Olga Owner (@olga, U_OWN) as decision owner');
    const box = (await summary.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(800); // who decided what, when and why: above the fold
    await page.screenshot({ path: join(OUT, 'audit-report-1280.png') });

    for (const toggle of await page.locator('details > summary').all()) await toggle.click();
    const timeline = await page.locator('#timeline tbody tr').allInnerTexts();
    expect(timeline).toHaveLength(4);
    expect(timeline[3]).toContain('made the call as owner: waves');
    const exposure = await page.locator('#exposure tbody tr').first().innerText();
    expect(exposure).toContain('web01');
    expect(exposure).toContain('internet (all public addresses)');
    expect(exposure).toContain('edge/FORWARD: rule 4');
    expect(await page.locator('#positions').innerText()).toContain(HOSTILE_NAME.slice(0, 20));
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('img').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    await page.screenshot({ path: join(OUT, 'audit-report.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: join(OUT, 'audit-report-a4.pdf'), format: 'A4' });
  }, 60000);
});
