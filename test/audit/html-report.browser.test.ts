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

  it('shows the timeline and the exposure table, runs no script, logs no error, fetches nothing', async () => {
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'audit-report.html');
    writeFileSync(file, renderRecord(sampleRecord(), 'html'));
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => request.url() !== `file://${file}` && requests.push(request.url()));
    await page.goto(`file://${file}`);

    const timeline = await page.locator('#timeline tbody tr').allInnerTexts();
    expect(timeline).toHaveLength(3);
    expect(timeline[2]).toContain('made the call: waves');
    const exposure = await page.locator('#exposure tbody tr').first().innerText();
    expect(exposure).toContain('web01');
    expect(exposure).toContain('open');
    expect(exposure).toContain('edge/FORWARD: rule 4');
    expect(await page.locator('#positions').innerText()).toContain(HOSTILE_NAME.slice(0, 20));
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('img').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    await page.screenshot({ path: join(OUT, 'audit-report.png'), fullPage: true });
  }, 60000);
});
