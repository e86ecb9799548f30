/** A small audit record built over a real event log, with names and comments chosen to break naive escaping. */
import type { AuditRecord } from '../../src/audit/audit-record';
import { buildChainSegment } from '../../src/audit/chain-segment';
import { EventLog } from '../../src/store/event-log';
import { openDatabase } from '../../src/store/open-database';
import { tempDbPath } from '../helpers/run-patchcall';

export const HOSTILE_NAME = '<script>window.__pwned=1</script> <!channel> <@U999> <https://evil.example|click>';
export const HOSTILE_COMMENT =
  '=HYPERLINK("https://evil.example") & [link](javascript:alert(1)) | pipe <img src=x onerror=alert(1)>';

export function sampleRecord(): AuditRecord {
  const log = new EventLog(openDatabase(tempDbPath()), () => new Date('2008-10-23T18:00:00Z'));
  log.append({ type: 'source.imported', stream: 'source:1', actor: 'cli:alice', payload: {} });
  const convened = log.append({
    type: 'decision.convened',
    stream: 'decision:d1',
    actor: 'U_SEC',
    payload: { bulletinId: 'MS08-067' },
  });
  log.append({
    type: 'decision.position-recorded',
    stream: 'decision:d1',
    actor: 'U_NET',
    payload: { stance: 'alternative', comment: HOSTILE_COMMENT },
  });
  const call = log.append({
    type: 'decision.call-made',
    stream: 'decision:d1',
    actor: 'U_OWN',
    payload: { outcome: 'waves', rationale: 'web01 tonight' },
  });
  const chain = buildChainSegment('decision:d1', log.chainBetween(convened.seq, call.seq));
  return {
    format: 'patchcall/audit-record',
    version: 1,
    exportedAt: '2008-11-20T09:00:00.000Z',
    exportedBy: { id: 'cli:auditor' },
    decision: {
      id: 'd1',
      bulletinId: 'MS08-067',
      channel: 'patch-ms08-067',
      status: 'decided',
      convenedAt: convened.at,
      convenedBy: { id: 'U_SEC', name: 'Sam Security' },
      positions: [
        {
          person: { id: 'U_NET', name: HOSTILE_NAME },
          roles: ['network'],
          stance: 'alternative',
          comment: HOSTILE_COMMENT,
          at: '2008-10-23T18:10:00.000Z',
          eventSeq: 3,
        },
      ],
      refusals: [],
      reminders: [],
      call: {
        person: { id: 'U_OWN', name: 'Olga Owner' },
        at: call.at,
        outcome: 'waves',
        rationale: 'web01 tonight',
        quorumMet: true,
        eventSeq: call.seq,
      },
    },
    exposures: [
      {
        assetId: 'web01',
        assetName: 'web01',
        zone: 'dmz',
        systemExposure: 'open',
        publiclyExposed: true,
        reasons: ['tcp/445 reachable from the internet'],
        warnings: [],
        ports: [
          {
            protocol: 'tcp',
            port: 445,
            reachableFrom: [
              {
                zone: 'internet',
                ranges: ['0.0.0.0/0'],
                path: [
                  {
                    filter: 'edge',
                    chain: 'FORWARD',
                    verdict: 'accept',
                    rule: {
                      number: 4,
                      text: '-A FORWARD -d 10.10.0.11/32 -p tcp --dport 445 -j ACCEPT',
                      locator: 'line 12',
                      document: 'edge.iptables-save',
                    },
                    assumptions: [],
                  },
                ],
              },
            ],
            blockedFrom: [],
          },
        ],
      },
    ],
    timeline: [
      {
        seq: convened.seq,
        at: convened.at,
        actor: { id: 'U_SEC', name: 'Sam Security' },
        type: 'decision.convened',
        summary: 'convened #patch-ms08-067',
      },
      {
        seq: 3,
        at: '2008-10-23T18:00:00.000Z',
        actor: { id: 'U_NET', name: HOSTILE_NAME },
        type: 'decision.position-recorded',
        summary: `proposed an alternative: ${HOSTILE_COMMENT}`,
      },
      {
        seq: call.seq,
        at: call.at,
        actor: { id: 'U_OWN', name: 'Olga Owner' },
        type: 'decision.call-made',
        summary: 'made the call: waves',
      },
    ],
    slackThread: [
      {
        ts: '1224784800.000100',
        at: '2008-10-23T18:00:00.000Z',
        user: { id: 'U_NET', name: HOSTILE_NAME },
        text: HOSTILE_COMMENT,
        replies: [
          {
            ts: '1224784900.000200',
            at: '2008-10-23T18:01:40.000Z',
            user: { id: 'U_SEC' },
            text: 'reply in thread',
            replies: [],
          },
        ],
      },
    ],
    chain,
  };
}
