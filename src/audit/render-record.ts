/** Renders an audit record as CSV (one row per event), Markdown, or a self-contained printable HTML report. */
import { stringify } from 'csv-stringify/sync';
import type { AuditRecord, PersonRef, SlackMessage } from './audit-record';
import { escapeHtml, escapeMarkdown } from './escape-text';

export type RecordFormat = 'json' | 'csv' | 'md' | 'html';
export const RECORD_FORMATS: RecordFormat[] = ['json', 'csv', 'md', 'html'];

export function renderRecord(record: AuditRecord, format: RecordFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(record, null, 2) + '\n';
    case 'csv':
      return renderCsv(record);
    case 'md':
      return renderMarkdown(record);
    case 'html':
      return renderHtml(record);
  }
}

const person = (p: PersonRef | undefined): string => (p ? (p.name ? `${p.name} (${p.id})` : p.id) : '');

function renderCsv(record: AuditRecord): string {
  const hashes = new Map(record.chain.links.map((l) => [l.seq, l]));
  const rows = record.timeline.map((entry) => {
    const link = hashes.get(entry.seq);
    return [
      entry.seq,
      entry.at,
      entry.actor.id,
      entry.actor.name ?? '',
      entry.type,
      entry.summary,
      link?.payloadSha256 ?? '',
      link?.prevHash ?? '',
      link?.hash ?? '',
    ];
  });
  // a leading quote stops spreadsheet programs from running a cell that starts with = + - @ as a formula
  const safe = rows.map((row) =>
    row.map((cell) => (typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell)),
  );
  return stringify([
    ['seq', 'at', 'actor_id', 'actor_name', 'type', 'summary', 'payload_sha256', 'prev_hash', 'hash'],
    ...safe,
  ]);
}

interface Section {
  title: string;
  paragraphs?: string[];
  table?: { id: string; head: string[]; rows: string[][] };
  thread?: SlackMessage[];
}

/** The report's content once, in plain strings; Markdown and HTML only differ in how they print it. */
function sections(record: AuditRecord): Section[] {
  const d = record.decision;
  const a = record.assessment;
  const b = record.bulletin;
  const links = record.chain.links;
  const result: Section[] = [];
  result.push({
    title: 'The call',
    paragraphs: d.call
      ? [
          `Outcome: ${d.call.outcome}. Made by ${person(d.call.person)} at ${d.call.at}.`,
          `Rationale: ${d.call.rationale}`,
          ...(d.call.quorumMet === false
            ? [`Made without quorum. Reason: ${d.call.overrideReason ?? '(none recorded)'}`]
            : []),
          ...(d.call.snapshot
            ? [
                `Made on: ${Object.entries(d.call.snapshot)
                  .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`)
                  .join('; ')}`,
              ]
            : []),
        ]
      : [`No call has been made; the decision is ${d.status}.`],
  });
  if (b) {
    result.push({
      title: 'The bulletin as known then',
      paragraphs: [
        `${b.id}: ${b.title?.value ?? ''} (${b.vendor?.value ?? 'vendor unknown'}, released ${b.releasedAt?.value ?? 'unknown'}; ${b.cycle.status}: ${b.cycle.reason}).`,
        `CVEs: ${b.cves.join(', ') || 'none'}. Fixes: ${b.fixIds.join(', ') || 'none'}${b.restartRequired ? `; restart ${b.restartRequired.value ? 'required' : 'not required'}` : ''}.`,
        ...b.exploitation.map(
          (e) => `Exploitation ${e.status}: ${e.evidence} [${e.source.format}: ${e.source.document}]`,
        ),
        ...b.scores.map(
          (s) => `CVSS ${s.version} ${s.baseScore} ${s.vector} [${s.source.format}: ${s.source.document}]`,
        ),
      ],
    });
  }
  if (a) {
    result.push({
      title: 'Recommendation',
      paragraphs: [
        a.summary.headline,
        `Deadline: ${a.summary.deadline.dueAt} (${a.summary.deadline.reason}).`,
        ...a.summary.reasons,
      ],
      table: {
        id: 'verdicts',
        head: ['Asset', 'Urgency', 'Deadline', 'Why'],
        rows: a.verdicts.map((v) => [v.assetName, v.urgency, v.deadline.dueAt, v.explanation.join(' ')]),
      },
    });
    result.push({
      title: 'Plan',
      table: {
        id: 'plan',
        head: ['Step', 'Assets', 'Due', 'Details'],
        rows: a.plan.map((s) => [s.title, s.assets.join(', '), s.dueAt ?? '', s.details]),
      },
    });
  }
  result.push({
    title: 'Exposure',
    table: {
      id: 'exposure',
      head: ['Asset', 'Zone', 'Exposure', 'Port', 'Reachable from', 'Deciding rules'],
      rows: record.exposures.flatMap((e) =>
        (e.ports.length ? e.ports : [undefined]).map((port) => [
          e.assetName,
          e.zone,
          e.systemExposure,
          port ? `${port.protocol}/${port.port}${port.scanState ? ` (scan: ${port.scanState})` : ''}` : '',
          port ? port.reachableFrom.map((z) => `${z.zone} ${z.ranges.join(' ')}`).join('; ') || 'nowhere' : '',
          port
            ? port.reachableFrom
                .flatMap((z) =>
                  z.path.map(
                    (step) =>
                      `${step.filter}/${step.chain}: ${step.rule ? `rule ${step.rule.number} (${step.rule.locator}) ${step.rule.text}` : `policy ${step.policy ?? ''}`}`,
                  ),
                )
                .join('; ')
            : '',
        ]),
      ),
    },
  });
  result.push({
    title: 'Positions',
    table: {
      id: 'positions',
      head: ['Person', 'Roles', 'Position', 'Comment', 'At'],
      rows: d.positions.map((p) => [person(p.person), p.roles.join(', '), p.stance, p.comment ?? '', p.at]),
    },
  });
  result.push({
    title: 'Timeline',
    table: {
      id: 'timeline',
      head: ['#', 'At', 'Who', 'What'],
      rows: record.timeline.map((t) => [String(t.seq), t.at, person(t.actor), t.summary]),
    },
  });
  result.push({
    title: 'Slack thread',
    thread: record.slackThread,
    ...(record.slackThread.length ? {} : { paragraphs: ['No messages were exported from Slack.'] }),
  });
  result.push({
    title: 'Verification',
    paragraphs: [
      `This record holds ${links.filter((l) => l.payload !== undefined).length} events of ${record.chain.stream} inside ${links.length} chained events (#${links[0]?.seq ?? '-'} to #${links[links.length - 1]?.seq ?? '-'}); other events appear as digests only.`,
      `Last link hash: ${links[links.length - 1]?.hash ?? '-'}. Check the JSON form with: patchcall audit verify --export <file>.`,
    ],
  });
  return result;
}

function renderMarkdown(record: AuditRecord): string {
  const md = escapeMarkdown;
  const out: string[] = [`# Audit record: decision ${md(record.decision.id)} on ${md(record.decision.bulletinId)}`, ''];
  out.push(
    `Exported ${md(record.exportedAt)} by ${md(person(record.exportedBy))}. Channel: ${md(record.decision.channel ?? '-')}. Status: ${md(record.decision.status)}.`,
    '',
  );
  for (const section of sections(record)) {
    out.push(`## ${md(section.title)}`, '');
    for (const p of section.paragraphs ?? []) out.push(md(p), '');
    if (section.table) {
      out.push(`| ${section.table.head.map(md).join(' | ')} |`, `|${section.table.head.map(() => '---').join('|')}|`);
      for (const row of section.table.rows) out.push(`| ${row.map(md).join(' | ')} |`);
      out.push('');
    }
    const thread = (messages: SlackMessage[], depth: number): void => {
      for (const m of messages) {
        out.push(`${'  '.repeat(depth)}- ${md(m.at)} ${md(person(m.user))}: ${md(m.text)}`);
        thread(m.replies, depth + 1);
      }
    };
    if (section.thread?.length) {
      thread(section.thread, 0);
      out.push('');
    }
  }
  return out.join('\n');
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#111}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#eee}ul.thread ul{margin:.2em 0 .2em 1.5em}.meta{color:#555}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}tr{page-break-inside:avoid}}`;

function renderHtml(record: AuditRecord): string {
  const h = escapeHtml;
  const body: string[] = [];
  body.push(`<h1>Audit record: decision ${h(record.decision.id)} on ${h(record.decision.bulletinId)}</h1>`);
  body.push(
    `<p class="meta">Exported ${h(record.exportedAt)} by ${h(person(record.exportedBy))}. Channel: ${h(record.decision.channel ?? '-')}. Status: ${h(record.decision.status)}.</p>`,
  );
  const thread = (messages: SlackMessage[]): string =>
    `<ul class="thread">${messages.map((m) => `<li><span class="meta">${h(m.at)}</span> <b>${h(person(m.user))}</b>: ${h(m.text)}${m.replies.length ? thread(m.replies) : ''}</li>`).join('')}</ul>`;
  for (const section of sections(record)) {
    body.push(`<section><h2>${h(section.title)}</h2>`);
    for (const p of section.paragraphs ?? []) body.push(`<p>${h(p)}</p>`);
    if (section.table) {
      body.push(
        `<table id="${section.table.id}"><thead><tr>${section.table.head.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>`,
      );
      for (const row of section.table.rows) body.push(`<tr>${row.map((c) => `<td>${h(c)}</td>`).join('')}</tr>`);
      body.push('</tbody></table>');
    }
    if (section.thread?.length) body.push(thread(section.thread));
    body.push('</section>');
  }
  // the policy forbids every script and every network request: the report is data, never a program
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Audit record ${h(record.decision.bulletinId)} ${h(record.decision.id)}</title>
<style>${STYLE}</style></head>
<body>
${body.join('\n')}
</body></html>
`;
}
