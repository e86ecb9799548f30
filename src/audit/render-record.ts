/** Renders an audit record as CSV (one row per event), Markdown, or a self-contained printable HTML report. */
import type { AuditRecord, PersonRef, SlackMessage } from './audit-record';
import { formulaSafeCsv } from '../common/safe-csv';
import { formatTime } from '../common/time-format';
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

/** "Olga Owner (@olga, U0OWN0001)": the name as recorded then, the handle and the identity. */
export function personLabel(p: PersonRef | undefined): string {
  if (!p) return '';
  if (!p.name) return p.id;
  return `${p.name} (${p.handle ? `@${p.handle}, ` : ''}${p.id})`;
}
const person = personLabel;

/**
 * Recorded text written before the wording was fixed reads as a sentence here: doubled words from the risk
 * explanations and quorum summaries, and SSVC's abbreviation explained at its first use.
 */
export function readable(text: string): string {
  return text
    .replace(/\bsafety (negligible|marginal|critical|catastrophic) x mission /g, 'safety impact "$1" with mission ')
    .replace(/\bmission (mission failure|degraded|mef support crippled|mef failure)\b/g, 'mission impact "$1"')
    .replace(/\bquorum quorum /g, 'quorum ')
    .replace(/\b(\w+(?: \w+)?): ([\w.-]+): \2\b/g, '$1: $2');
}

const MEF = 'MEF (a mission essential function: one the organization cannot stop doing)';

/** Explains `mef` once, at its first use in the report's reading order. */
function explainJargon(sections: Section[]): Section[] {
  let explained = false;
  const explain = (text: string): string => {
    if (explained || !/\bmef\b/i.test(text)) return text;
    explained = true;
    return text.replace(/\bmef\b/i, MEF);
  };
  return sections.map((section) => ({
    ...section,
    ...(section.facts ? { facts: section.facts.map(([k, v]): [string, string] => [k, explain(v)]) } : {}),
    ...(section.paragraphs ? { paragraphs: section.paragraphs.map(explain) } : {}),
    ...(section.table ? { table: { ...section.table, rows: section.table.rows.map((row) => row.map(explain)) } } : {}),
  }));
}

function renderCsv(record: AuditRecord): string {
  const hashes = new Map(record.chain.links.map((l) => [l.seq, l]));
  const rows = record.timeline.map((entry) => {
    const link = hashes.get(entry.seq);
    return [
      entry.seq,
      entry.at,
      formatTime(entry.at, record.timeZone),
      entry.actor.id,
      entry.actor.name ?? '',
      person(entry.actor),
      entry.type,
      readable(entry.summary),
      link?.payloadSha256 ?? '',
      link?.prevHash ?? '',
      link?.hash ?? '',
    ];
  });
  return formulaSafeCsv([
    [
      'seq',
      'at',
      'at_local',
      'actor_id',
      'actor_name',
      'actor',
      'type',
      'summary',
      'payload_sha256',
      'prev_hash',
      'hash',
    ],
    ...rows,
  ]);
}

interface Section {
  title: string;
  paragraphs?: string[];
  /** A short list of label: value lines (the summary panel). */
  facts?: [string, string][];
  table?: { id: string; head: string[]; rows: string[][] };
  thread?: SlackMessage[];
  /** Shown collapsed under <details> in HTML. */
  collapsed?: boolean;
}

const abbreviate = (digest: unknown): string =>
  typeof digest === 'string' && digest.length > 12 ? `${digest.slice(0, 12)}…` : String(digest);

const INPUT_WORDS: Record<string, string> = {
  bulletinRevision: 'bulletin revision',
  bulletinSourceSeqs: 'bulletin sources (import events)',
  inventoryHash: 'inventory (assets as imported)',
  exposureInputsHash: 'firewall rules and network description',
  rulebookHash: 'rules of the assessment',
  rulesDigest: 'rules folder',
  logHeadSeq: 'event log up to event',
};

/** Where a port can be reached from, in words: the internet as one phrase, long range lists summarised. */
export function describeReach(zone: string, ranges: string[]): string {
  if (zone === 'internet' || ranges.some((r) => r === '0.0.0.0/0' || r === '::/0'))
    return zone === 'internet' ? 'internet (all public addresses)' : `${zone} (any address)`;
  if (ranges.length <= 3) return `${zone} (${ranges.join(', ')})`;
  return `${zone} (${ranges.length} ranges, ${ranges[0]} … ${ranges[ranges.length - 1]})`;
}

/** The latest position of each person, grouped by role: who said what when it counted. */
function positionsByRole(record: AuditRecord): string {
  const latest = new Map<string, AuditRecord['decision']['positions'][number]>();
  for (const p of record.decision.positions) latest.set(p.person.id, p);
  const byRole = new Map<string, string[]>();
  for (const p of latest.values())
    for (const role of p.roles)
      byRole.set(role, [...(byRole.get(role) ?? []), `${person(p.person)} ${STANCE_WORDS[p.stance] ?? p.stance}`]);
  return [...byRole].map(([role, people]) => `${role}: ${people.join('; ')}`).join(' · ') || 'no positions recorded';
}

const STANCE_WORDS: Record<string, string> = {
  agree: 'agrees',
  alternative: 'proposes an alternative',
  'more-info': 'needs more information',
};

/** The report's content once, in plain strings; Markdown and HTML only differ in how they print it. */
function sections(record: AuditRecord): Section[] {
  const time = (iso: string | undefined) => (iso ? formatTime(iso, record.timeZone) : '-');
  const b = record.bulletin;
  const a = record.assessment;
  return explainJargon([
    { title: 'Summary', facts: summaryFacts(record, time).map(([k, v]) => [k, readable(v)]) },
    ...(b ? [bulletinSection(b)] : []),
    timelineSection(record, time),
    positionsSection(record, time),
    exposureSection(record),
    ...(a ? [assessmentSection(a, time), planSection(a, time)] : []),
    ...(record.rules?.files.length ? [rulesSection(record.rules)] : []),
    slackThreadSection(record),
    verificationSection(record),
  ]);
}

type TimeText = (iso: string | undefined) => string;

function summaryFacts(record: AuditRecord, time: TimeText): [string, string][] {
  const d = record.decision;
  const a = record.assessment;
  const b = record.bulletin;
  const summary: [string, string][] = [];
  summary.push([
    'Bulletin',
    b
      ? `${b.id}: ${b.title?.value ?? ''} (${b.vendor?.value ?? 'vendor unknown'}, released ${b.releasedAt?.value ?? 'unknown'}). ${b.cycle.status === 'out-of-cycle' ? 'Out of cycle' : b.cycle.status === 'in-cycle' ? 'In cycle' : 'Cycle unknown'}: ${b.cycle.reason}.`
      : d.bulletinId,
  ]);
  if (d.call) summary.push(...callFacts(d.call, time));
  else summary.push(['The call', `not made yet; the decision is ${d.status}`]);
  summary.push(['Positions', positionsByRole(record)]);
  if (a) summary.push(['Deadline', `${time(a.summary.deadline.dueAt)} (${a.summary.deadline.reason})`]);
  const inputs = d.call?.snapshot;
  if (inputs)
    summary.push([
      'Made on',
      Object.entries(inputs)
        // each rules file's digest is listed under Rules
        .filter(([k]) => k !== 'quorum' && k !== 'recommendedCall' && k !== 'rulesFiles')
        .map(
          ([k, v]) =>
            `${INPUT_WORDS[k] ?? k} ${Array.isArray(v) ? v.map((x) => `#${String(x)}`).join(', ') : k.endsWith('Seq') ? `#${String(v)}` : abbreviate(v)}`,
        )
        .join('; ') + ' (digests are SHA-256, first 12 hex digits; the JSON record has them in full)',
    ]);
  if (record.rules) summary.push(['Rules', `${abbreviate(record.rules.digest)}: ${record.rules.covers}`]);
  return summary;
}

function callFacts(call: NonNullable<AuditRecord['decision']['call']>, time: TimeText): [string, string][] {
  return [
    [
      'The call',
      `${OUTCOME_WORDS[call.outcome] ?? call.outcome}${call.recommendedCall && call.recommendedCall !== call.outcome ? ` (the recommendation was ${OUTCOME_WORDS[call.recommendedCall] ?? call.recommendedCall})` : ''}`,
    ],
    [
      'Made by',
      `${person(call.person)}${call.as ? ` as ${call.as === 'owner' ? 'decision owner' : 'delegate'}` : ''}, ${time(call.at)}`,
    ],
    ['Rationale', call.rationale],
    [
      'Quorum',
      call.quorumMet === false
        ? `not met; made anyway because: ${call.overrideReason ?? '(no reason recorded)'}`
        : readable(call.quorumSummary ?? 'met').replace(/^quorum /, ''),
    ],
  ];
}

function bulletinSection(b: NonNullable<AuditRecord['bulletin']>): Section {
  return {
    title: 'The bulletin as known then',
    collapsed: true,
    paragraphs: [
      `CVEs: ${b.cves.join(', ') || 'none'}. Fixes: ${b.fixIds.join(', ') || 'none'}${b.restartRequired ? `; restart ${b.restartRequired.value ? 'required' : 'not required'}` : ''}.`,
      ...b.exploitation.map(
        (e) => `Exploitation ${e.status}: ${e.evidence} [${e.source.format}: ${e.source.document}]`,
      ),
      ...b.scores.map(
        (sc) => `CVSS ${sc.version} ${sc.baseScore} ${sc.vector} [${sc.source.format}: ${sc.source.document}]`,
      ),
    ],
  };
}

function timelineSection(record: AuditRecord, time: TimeText): Section {
  return {
    title: 'Timeline',
    collapsed: true,
    table: {
      id: 'timeline',
      head: ['#', 'When', 'Who', 'What'],
      rows: record.timeline.map((t) => [String(t.seq), time(t.at), person(t.actor), readable(t.summary)]),
    },
  };
}

function positionsSection(record: AuditRecord, time: TimeText): Section {
  return {
    title: 'Positions (every one taken, superseded ones included)',
    collapsed: true,
    table: {
      id: 'positions',
      head: ['Person', 'Roles', 'Position', 'Comment', 'When'],
      rows: record.decision.positions.map((p) => [
        person(p.person),
        p.roles.join(', '),
        STANCE_WORDS[p.stance] ?? p.stance,
        p.comment ?? '',
        time(p.at),
      ]),
    },
  };
}

function exposureSection(record: AuditRecord): Section {
  return {
    title: 'Exposure',
    collapsed: true,
    table: {
      id: 'exposure',
      head: ['Asset', 'Zone', 'Exposure', 'Port', 'Reachable from', 'Deciding rules'],
      rows: record.exposures.flatMap((e) =>
        (e.ports.length ? e.ports : [undefined]).map((port) => [
          e.assetName,
          e.zone,
          e.systemExposure,
          ...(port ? portCells(port) : ['', '', '']),
        ]),
      ),
    },
  };
}

/** Port, reachable from, deciding rules. */
function portCells(port: AuditRecord['exposures'][number]['ports'][number]): string[] {
  return [
    `${port.protocol}/${port.port}${port.toPort !== undefined ? `-${port.toPort}` : ''}${port.scanState ? ` (scan: ${port.scanState})` : ''}`,
    port.reachableFrom.map((z) => describeReach(z.zone, z.ranges)).join('; ') || 'nowhere',
    [
      ...new Set(
        port.reachableFrom.flatMap((z) =>
          z.path.map(
            (step) =>
              `${step.filter}/${step.chain}: ${step.rule ? `rule ${step.rule.number} (${step.rule.locator}) ${step.rule.text}` : `policy ${step.policy ?? ''}`}`,
          ),
        ),
      ),
    ].join('; '),
  ];
}

function assessmentSection(a: NonNullable<AuditRecord['assessment']>, time: TimeText): Section {
  // reasons every asset shares are said once, above the table; the table keeps what is particular
  const explanations = a.verdicts.map((v) => v.explanation.map(readable));
  const shared = explanations[0]?.filter((line) => explanations.every((list) => list.includes(line))) ?? [];
  return {
    title: 'Assessment per asset',
    collapsed: true,
    paragraphs: [
      a.summary.headline,
      ...a.summary.reasons,
      ...(a.verdicts.length > 1 && shared.length ? [`For every asset: ${sentences(shared)}`] : []),
    ].map(readable),
    table: {
      id: 'verdicts',
      head: ['Asset', 'Urgency', 'Deadline', 'Why'],
      rows: a.verdicts.map((v, i) => [
        v.assetName,
        v.urgency,
        time(v.deadline.dueAt),
        sentences(explanations[i]!.filter((line) => a.verdicts.length === 1 || !shared.includes(line))),
      ]),
    },
  };
}

function planSection(a: NonNullable<AuditRecord['assessment']>, time: TimeText): Section {
  return {
    title: 'Plan',
    collapsed: true,
    table: {
      id: 'plan',
      head: ['Step', 'Assets', 'Due', 'Details'],
      rows: a.plan.map((st) => [
        readable(st.title),
        // a title that already names its assets ("Patch now: web01") is not followed by them again
        st.assets.every((name) => st.title.includes(name)) ? '' : st.assets.join(', '),
        st.dueAt ? time(st.dueAt) : '',
        readable(st.details),
      ]),
    },
  };
}

function rulesSection(rules: NonNullable<AuditRecord['rules']>): Section {
  return {
    title: 'Rules',
    collapsed: true,
    paragraphs: [
      `The rules folder digest ${abbreviate(rules.digest)} covers the whole rules folder: it is taken over every file below (its path and SHA-256), so a change to any of them changes it.`,
    ],
    table: {
      id: 'rules-files',
      head: ['File', 'SHA-256'],
      rows: rules.files.map((file) => [file.path, file.sha256]),
    },
  };
}

function slackThreadSection(record: AuditRecord): Section {
  return {
    title: 'Slack thread (as fetched at export; not covered by the chain, covered by the signature)',
    collapsed: true,
    thread: record.slackThread,
    ...(record.slackThread.length ? {} : { paragraphs: ['No messages were exported from Slack.'] }),
  };
}

function verificationSection(record: AuditRecord): Section {
  const links = record.chain.links;
  return {
    title: 'Verification',
    collapsed: true,
    paragraphs: [
      `This record holds ${links.filter((l) => l.payload !== undefined).length} events of ${record.chain.stream} inside ${links.length} chained events (#${links[0]?.seq ?? '-'} to #${links[links.length - 1]?.seq ?? '-'}); other events appear as digests only. The log's head at export was event #${record.chainHead.seq} (${abbreviate(record.chainHead.hash)}).`,
      `Derived again from the chained events when verified: ${record.coverage.fromChain.join(', ')}. Not covered by the chain, covered by the signature only: ${record.coverage.notCoveredByChain.join(', ')}.`,
      record.signature
        ? `Signed with Ed25519 by key ${record.signature.keyId} (public key ${record.signature.publicKey}). Check the JSON form with: patchcall audit verify --export <file> --anchors <export of the audit channel>.`
        : 'The record is not signed.',
      ...(record.people.length
        ? [
            `Names as recorded: ${record.people.map((n) => `${n.id} = ${n.name}${n.handle ? ` (@${n.handle})` : ''} from ${n.source} at event #${n.eventSeq}`).join('; ')}.`,
          ]
        : []),
    ],
  };
}

const OUTCOME_WORDS: Record<string, string> = {
  'patch-now': 'Patch now',
  waves: 'Patch in waves as planned',
  'mitigate-and-defer': 'Mitigate and defer',
  defer: 'Defer',
  'ask-provider': 'Ask the provider',
  establish: 'Establish exposure first',
};

function renderMarkdown(record: AuditRecord): string {
  const md = escapeMarkdown;
  const time = (iso: string) => formatTime(iso, record.timeZone);
  const out: string[] = [`# Audit record: decision ${md(record.decision.id)} on ${md(record.decision.bulletinId)}`, ''];
  out.push(
    `Exported ${md(time(record.exportedAt))} by ${md(person(record.exportedBy))}. Channel: ${md(record.decision.channel ?? '-')}. Status: ${md(record.decision.status)}. Times are in ${md(record.timeZone)}.`,
    '',
  );
  for (const section of sections(record)) {
    out.push(`## ${md(section.title)}`, '');
    for (const [label, value] of section.facts ?? []) out.push(`- **${md(label)}:** ${md(value)}`);
    if (section.facts) out.push('');
    for (const p of section.paragraphs ?? []) out.push(md(p), '');
    if (section.table) {
      out.push(`| ${section.table.head.map(md).join(' | ')} |`, `|${section.table.head.map(() => '---').join('|')}|`);
      for (const row of section.table.rows) out.push(`| ${row.map(md).join(' | ')} |`);
      out.push('');
    }
    const thread = (messages: SlackMessage[], depth: number): void => {
      for (const m of messages) {
        out.push(`${'  '.repeat(depth)}- ${md(time(m.at))} ${md(person(m.user))}: ${md(m.text)}`);
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

// Tables are laid out fixed, with widths for the short columns: an automatic layout with overflow-wrap:anywhere
// squeezes those to one character ("sysad|min", "1|6"), and one without lets a long token push a table off the page.
// Printed on A4, closed <details> print their content too: `::details-content` (Chromium 131+) sits in a rule of its
// own, so a browser that does not know it drops only that rule.
const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#111;padding:0 1em}
h1{font-size:1.4em;margin-bottom:.2em}h2{font-size:1.1em;margin:0}
.summary{border:2px solid #333;border-radius:6px;padding:.6em 1em;margin:1em 0}
.summary dl{display:grid;grid-template-columns:9em 1fr;gap:.25em 1em;margin:.4em 0}.summary dt{font-weight:600}.summary dd{margin:0}
details{margin:.6em 0;border-top:1px solid #ccc;padding-top:.4em}summary{cursor:pointer;font-weight:600;font-size:1.05em}
table{border-collapse:collapse;width:100%;margin:.5em 0;table-layout:fixed}th,td{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
#timeline th:nth-child(1){width:2.6em}#timeline th:nth-child(2){width:9.5em}#timeline th:nth-child(3){width:12em}
#positions th:nth-child(1){width:12em}#positions th:nth-child(2){width:6.5em}#positions th:nth-child(3){width:7.5em}#positions th:nth-child(5){width:9.5em}
#exposure th:nth-child(1){width:5.5em}#exposure th:nth-child(2){width:5em}#exposure th:nth-child(3){width:6em}#exposure th:nth-child(4){width:5.5em}
#verdicts th:nth-child(1){width:6em}#verdicts th:nth-child(2){width:6em}#verdicts th:nth-child(3){width:9em}
#plan th:nth-child(1){width:10em}#plan th:nth-child(2){width:6.5em}#plan th:nth-child(3){width:9.5em}#rules-files th:nth-child(1){width:14em}
#rules-files td:nth-child(2){font:.85em ui-monospace,monospace}
th{background:#eee}ul.thread ul{margin:.2em 0 .2em 1.5em}.meta{color:#555}
@page{size:A4;margin:14mm}
@media print{body{margin:0;max-width:none;font-size:10pt;padding:0}details>summary{list-style:none}
details:not([open])>*:not(summary){display:block}thead{display:table-header-group}tr,td,th{page-break-inside:avoid;break-inside:avoid}
h2,summary{break-after:avoid}.summary{break-inside:avoid}}
@media print{details::details-content{content-visibility:visible;display:block}}`;

function renderHtml(record: AuditRecord): string {
  const h = escapeHtml;
  const time = (iso: string) => formatTime(iso, record.timeZone);
  const body: string[] = [];
  body.push(`<h1>Audit record: decision ${h(record.decision.id)} on ${h(record.decision.bulletinId)}</h1>`);
  body.push(
    `<p class="meta">Exported ${h(time(record.exportedAt))} by ${h(person(record.exportedBy))}. Channel: ${h(record.decision.channel ?? '-')}. Status: ${h(record.decision.status)}. Times are in ${h(record.timeZone)}.</p>`,
  );
  const thread = (messages: SlackMessage[]): string =>
    `<ul class="thread">${messages.map((m) => `<li><span class="meta">${h(time(m.at))}</span> <b>${h(person(m.user))}</b>: ${h(m.text)}${m.replies.length ? thread(m.replies) : ''}</li>`).join('')}</ul>`;
  for (const section of sections(record)) {
    const inner: string[] = [];
    if (section.facts)
      inner.push(`<dl>${section.facts.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}</dl>`);
    for (const p of section.paragraphs ?? []) inner.push(`<p>${h(p)}</p>`);
    if (section.table) {
      inner.push(
        `<table id="${section.table.id}"><thead><tr>${section.table.head.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>`,
      );
      for (const row of section.table.rows) inner.push(`<tr>${row.map((c) => `<td>${h(c)}</td>`).join('')}</tr>`);
      inner.push('</tbody></table>');
    }
    if (section.thread?.length) inner.push(thread(section.thread));
    body.push(
      section.collapsed
        ? `<details id="section-${h(section.title.split(' ')[0]!.toLowerCase())}"><summary>${h(section.title)}</summary>\n${inner.join('\n')}\n</details>`
        : `<section class="summary"><h2>${h(section.title)}</h2>\n${inner.join('\n')}\n</section>`,
    );
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

/** Explanation lines as one paragraph: each ends as a sentence, so "…the asset)" and "Urgency …" do not run together. */
function sentences(lines: string[]): string {
  return lines.map((line) => (/[.!?:]$/.test(line.trim()) ? line.trim() : `${line.trim()}.`)).join(' ');
}
