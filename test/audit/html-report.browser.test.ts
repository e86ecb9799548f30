/**
 * Opens the HTML report in a real headless Chromium and checks what a reader sees. The browser comes from the
 * npm package @sparticuz/chromium (it unpacks a headless Chromium into the temp folder on first use), driven by
 * playwright-core, so `npm ci && npm test` needs nothing else installed. The screenshot lands in test/tmp/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { renderRecord } from '../../src/audit/render-record';
import { HOSTILE_NAME, sampleRecord } from './sample-record';

const OUT = join(__dirname, '../tmp');

/**
 * The package also unpacks the shared libraries Chromium loads at run time (NSS, NSPR, expat) and points
 * LD_LIBRARY_PATH at them, but only where it detects Amazon Linux 2023; asking for that here makes the browser
 * independent of the distribution's libnss3 (a fresh Debian has none). Read once, before the module loads.
 */
async function packagedChromiumPath(): Promise<string> {
  process.env.AWS_LAMBDA_JS_RUNTIME ??= 'nodejs20.x';
  const { default: packagedChromium } = await import('@sparticuz/chromium');
  return packagedChromium.executablePath();
}

describe('the HTML audit report in a real browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    // The package's own argument list turns web security off (it targets Lambda); this test checks that the report
    // fetches nothing, so it keeps Chromium's defaults and adds only what a container without a sandbox needs.
    browser = await chromium.launch({
      executablePath: await packagedChromiumPath(),
      args: [
        '--no-zygote',
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
