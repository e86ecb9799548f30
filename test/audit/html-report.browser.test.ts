/**
 * Opens the HTML report in a real headless Chromium and checks what a reader sees. The browser comes from the
 * npm package @sparticuz/chromium (it unpacks a headless Chromium into the temp folder on first use), driven by
 * playwright-core, so `npm ci && npm test` needs nothing else installed. The screenshot lands in test/tmp/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { renderRecord } from '../../src/audit/render-record';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';
import { startScript } from '../helpers/spawn-patchcall';
import { HOSTILE_NAME, sampleRecord } from './sample-record';

const OUT = join(__dirname, '../tmp');
const DEMO = join(__dirname, '../../dev/demo.ts');
/** The content box of an A4 page with the report's 14 mm margins, in CSS pixels (96 per inch). */
const A4_CONTENT_WIDTH = Math.floor(((210 - 2 * 14) / 25.4) * 96);

/**
 * What printing would cut or garble, measured under print media at the A4 content width: elements reaching past
 * the page's right edge, and short words (up to 14 letters between spaces and hyphens) broken across two lines
 * inside a table cell, which is what a table squeezed into too little width does ("sysad|min"); a longer token
 * (a path, a digest) may break where it must.
 */
const PRINT_PROBLEMS = `(() => {
  const width = document.documentElement.clientWidth;
  const overflowing = [...document.body.querySelectorAll('*')]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ': ' + (el.textContent || '').slice(0, 40));
  const broken = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.textContent.matchAll(/[^\\s-]+/g)) {
        if (word[0].length > 14) continue;
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(word[0]);
      }
    }
  }
  return { overflowing, broken };
})()`;

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

  it('prints the demo record on A4: no table cut or wider than the page, no word squeezed apart', async () => {
    const db = tempDbPath();
    const demo = await startScript(DEMO, [], { env: { PATCHCALL_DB: db }, timeoutMs: 120_000 }).done;
    expect(demo.code).toBe(0);
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'demo-report.html');
    expect((await patchcall(['--db', db, 'export', 'MS08-067', '--format', 'html', '--out', file])).code).toBe(0);

    const page = await browser.newPage({ viewport: { width: A4_CONTENT_WIDTH, height: 1000 } });
    await page.goto(`file://${file}`);
    await page.emulateMedia({ media: 'print' });
    // closed sections print their content: the timeline takes room before anything is opened
    expect((await page.locator('#timeline').boundingBox())?.height ?? 0).toBeGreaterThan(100);
    expect(await page.locator('table').count()).toBeGreaterThanOrEqual(6);
    // each asset's reasons read as sentences: "…of edge. Human impact …", not "…of edge Human impact …"
    const why = await page.locator('#verdicts td:nth-child(4)').allTextContents();
    expect(why.length).toBeGreaterThan(0);
    for (const cell of why) expect(cell).not.toMatch(/[^.!?:] (Human impact|Urgency) /);
    await page.screenshot({ path: join(OUT, 'demo-report-a4-print.png'), fullPage: true });
    expect(await page.evaluate(PRINT_PROBLEMS)).toEqual({ overflowing: [], broken: [] });
    await page.pdf({ path: join(OUT, 'demo-report-a4.pdf'), format: 'A4' });
  }, 180000);
});
