import { parse } from 'csv-parse/sync';
import { renderRecord } from '../../src/audit/render-record';
import { verifyExportedRecord } from '../../src/audit/verify-exported-record';
import { createValidator } from '../../src/common/json-schema';
import schema from '../../src/audit/schemas/audit-record.schema.json';
import { HOSTILE_COMMENT, HOSTILE_NAME, sampleRecord } from './sample-record';
import { sampleAssessment } from '../decisions/sample-decision';

describe('audit record formats', () => {
  const record = sampleRecord();
  const trusted = { keys: new Map([[record.signature!.publicKey, 'test']]) };

  it('JSON: matches its published schema and round-trips to a verifiable record', () => {
    const text = renderRecord(record, 'json');
    const parsed = JSON.parse(text);
    expect(createValidator(schema)(parsed)).toBe(true);
    expect(parsed).toEqual(JSON.parse(JSON.stringify(record)));
    expect(verifyExportedRecord(parsed, 'record.json', trusted)).toMatchObject({ ok: true, streamEvents: 4 });
  });

  it('CSV: one row per event, hostile text intact but never a formula', () => {
    const rows = parse(renderRecord(record, 'csv'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.seq)).toEqual(['2', '3', '4', '5']);
    expect(rows[2]!.actor_name).toBe(HOSTILE_NAME);
    expect(rows[2]!.summary).toBe(`proposed an alternative as network: ${HOSTILE_COMMENT}`);
    expect(rows[3]!.actor).toBe('Olga Owner (@olga, U_OWN)');
    expect(rows[3]!.hash).toBe(record.chain.links[3]!.hash);
    const withFormula = sampleRecord();
    withFormula.timeline[0]!.summary = HOSTILE_COMMENT;
    const first = (parse(renderRecord(withFormula, 'csv'), { columns: true }) as Record<string, string>[])[0]!;
    expect(first.summary!.startsWith("'=")).toBe(true);
  });

  it('Markdown: names and comments cannot inject HTML, links or table cells', () => {
    const md = renderRecord(record, 'md');
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<!channel>');
    expect(md).not.toMatch(/(?<!\\)\](?=\(javascript)/); // the link bracket is escaped
    expect(md).toContain('&lt;script&gt;');
    const positionRow = md.split('\n').find((line) => line.startsWith('|') && line.includes('proposes'))!;
    expect(positionRow.split(/(?<!\\)\|/).length - 2).toBe(5); // five cells: the comment's pipe stayed inside its cell
    expect(md).toContain('## Timeline');
    expect(md).toContain('  - Thu 23 Oct 2008 20:01 CEST (18:01 UTC)');
    expect(md.indexOf('## Summary')).toBeLessThan(md.indexOf('## Timeline'));
    expect(md).toContain('**Made by:** Olga Owner (@olga, U\\_OWN) as decision owner');
  });

  it('HTML: self-contained, no script can run, hostile text escaped', () => {
    const html = renderRecord(record, 'html');
    expect(html).toContain('Content-Security-Policy" content="default-src \'none\'');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
    expect(html).toContain('<table id="timeline">');
    expect(html).toContain('<table id="exposure">');
    expect(html).toContain('internet (all public addresses)');
    expect(html).toMatch(/<section class="summary">[\s\S]*<details id="section-timeline">/);
  });

  it('lists each rules file with its digest and says the digest covers the whole rules folder', () => {
    const md = renderRecord(record, 'md');
    expect(md).toContain(`**Rules:** cccccccccccc…: the whole rules folder`);
    expect(md).toContain(`| exposure.json | ${'d'.repeat(64)} |`);
    expect(md).toContain(`| quorum.json | ${'e'.repeat(64)} |`);
    // the files are listed under Rules, not spelled out in the summary's inputs
    expect(md).not.toContain('[object Object]');
    const html = renderRecord(record, 'html');
    expect(html).toContain('<table id="rules-files">');
  });

  it('reads as sentences: no doubled words, jargon explained at first use, repeated reasons said once', () => {
    const base = sampleAssessment();
    const shared = 'Exploitation active: CISA KEV';
    const withRecordedWording = {
      ...record,
      assessment: {
        ...base,
        verdicts: base.verdicts.map((v, i) => ({
          ...v,
          explanation: [
            shared,
            i === 0
              ? 'Human impact very high: safety marginal (CMDB) x mission mission failure (CMDB)'
              : 'Human impact high: safety marginal (CMDB) x mission mef failure (CMDB)',
          ],
        })),
        plan: [{ kind: 'patch-now' as const, title: 'Patch now: web01', assets: ['web01'], details: 'now' }],
      },
    };
    const md = renderRecord(withRecordedWording, 'md');
    expect(md).not.toMatch(/mission mission|quorum quorum|web01: web01/);
    expect(md).toContain('mission impact "mission failure"');
    expect(md).toContain('**Quorum:** met: network 1 of 1');
    expect(md.match(/MEF \(a mission essential function/g)).toHaveLength(1);
    expect(md.split(shared).length - 1).toBe(1); // said once, for every asset
    expect(md).toContain('For every asset: ' + shared);
  });
});
