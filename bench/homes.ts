/**
 * App Home publisher benchmark: 200 open decisions, each convened with its own 6 people (1,200 people), and 300
 * more people who only opened the tab. Every Home is published once; then, each time, one event the Homes do not
 * show alike (a re-assessment with the same facts, as every import appends) lands on one decision and the publisher
 * runs: what each append's nudge costs now; then a position is given there (it changes that decision's people's
 * Homes, not the list every Home shows). The baseline, in the same run, is a run that looks at every Home (what
 * each nudge cost before, and what a start costs now). Views are rendered by the real Slack renderer; publishing is
 * a no-op. Prints medians of the run times and the Homes looked at (`npm run bench:homes`).
 */
import { performance } from 'node:perf_hooks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppContext } from '../src/app/app-context';
import { patchcallOver } from '../src/app/patchcall';
import type { ConvenedPayload } from '../src/decisions/decision-model';
import { noMembers } from '../src/decisions/home-audience';
import type { Assessment } from '../src/risk/model';
import { HomeGateway } from '../src/slack/home-gateway';
import type { SlackClients } from '../src/slack/web-clients';
import { median, ms } from './bench-stats';

const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 200);
const VIEWERS = 300;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const NOW = new Date('2008-10-24T10:00:00Z');

const user = (prefix: string, i: number) => `U${prefix}${String(i).padStart(5, '0')}`;

function convened(i: number): ConvenedPayload {
  const id = `BENCH-${String(i).padStart(3, '0')}`;
  const deadline = { dueAt: '2008-10-25T16:00:00.000Z', reason: 'Immediate: 48 h' };
  const assessment: Assessment = {
    bulletinId: id,
    assessedAt: NOW.toISOString(),
    verdicts: [],
    plan: [{ kind: 'patch-now', title: 'Patch now', assets: ['web01'], dueAt: deadline.dueAt, details: '' }],
    summary: {
      counts: { immediate: 1, 'out-of-cycle': 0, scheduled: 0, defer: 0 },
      urgency: 'immediate',
      recommendedCall: 'patch-now',
      deadline,
      headline: 'bench',
      reasons: [],
    },
  };
  const members = {
    security: [user('SEC', i), user('SED', i)],
    network: [user('NET', i)],
    sysadmin: [user('SYS', i)],
    owner: [user('OWN', i)],
    delegate: [user('DEL', i)],
  };
  return {
    decisionId: id,
    bulletinId: id,
    channel: { id: `C${String(i).padStart(8, '0')}`, name: `patch-${id.toLowerCase()}` },
    bulletin: { id, title: 'bench', cycle: { status: 'unknown', reason: '' }, cves: [], fixIds: [], exploitation: '' },
    assessment,
    assets: [],
    exposures: [],
    members,
    roles: {
      security: { users: members.security, groups: [] },
      network: { users: members.network, groups: [] },
      sysadmin: { users: members.sysadmin, groups: [] },
      owner: { users: members.owner, groups: [] },
      delegate: { users: members.delegate, groups: [] },
    },
    snapshot: {
      bulletinRevision: '1',
      bulletinSourceSeqs: [],
      inventoryHash: '',
      exposureInputsHash: '',
      rulebookHash: '',
      logHeadSeq: 0,
    },
    trigger: 'command',
  };
}

async function main(): Promise<void> {
  const ctx = openAppContext({
    dbPath: join(mkdtempSync(join(tmpdir(), 'patchcall-homes-')), 'bench.db'),
    clock: () => NOW,
  });
  for (let i = 1; i <= DECISIONS; i++)
    ctx.events.append({
      type: 'decision.convened',
      stream: `decision:BENCH-${String(i).padStart(3, '0')}`,
      actor: 'system',
      payload: convened(i),
    });
  const clients = { effects: { views: { publish: async () => ({ ok: true }) } } } as unknown as SlackClients;
  let rendered = 0;
  const gateway = new HomeGateway(clients, () => 'Europe/Berlin');
  const port = {
    render: (userId: string, snapshot: Parameters<HomeGateway['render']>[1]) => {
      rendered++;
      return gateway.render(userId, snapshot);
    },
    renderShared: (snapshot: Parameters<HomeGateway['render']>[1]) => gateway.renderShared(snapshot),
    publish: (userId: string, view: object) => gateway.publish(userId, view),
  };
  const patchcall = patchcallOver(ctx);
  const timedRun = async (homes: ReturnType<typeof patchcall.homeOutbox>, start: boolean) => {
    rendered = 0;
    const begun = performance.now();
    if (start) homes.start();
    else homes.nudge();
    await homes.idle();
    return { ms: performance.now() - begun, rendered };
  };
  const options = { sweepMs: 3_600_000, members: noMembers };
  // every Home published once: the viewers by opening the tab, the rest by the first run
  const homes = patchcall.homeOutbox(port, options);
  for (let i = 1; i <= VIEWERS; i++) await homes.publishNow(user('VIEW', i));
  await timedRun(homes, true);

  const full: { ms: number; rendered: number }[] = [];
  const touched: { ms: number; rendered: number }[] = [];
  const positions: { ms: number; rendered: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    const fresh = patchcall.homeOutbox(port, options);
    full.push(await timedRun(fresh, true));
    await fresh.stop();
    const id = `BENCH-${String((run % DECISIONS) + 1).padStart(3, '0')}`;
    ctx.events.append({
      type: 'decision.reassessed',
      stream: `decision:${id}`,
      actor: 'system',
      payload: { key: `reassessed:${id}:${run}`, cause: 'bench', snapshot: convened(1).snapshot },
    });
    touched.push(await timedRun(homes, false));
    ctx.events.append({
      type: 'decision.position-recorded',
      stream: `decision:${id}`,
      actor: user('SEC', (run % DECISIONS) + 1),
      payload: { userId: user('SEC', (run % DECISIONS) + 1), roles: ['security'], stance: 'agree', key: `p${run}` },
    });
    positions.push(await timedRun(homes, false));
  }
  await homes.stop();
  const fullMs = median(full.map((r) => r.ms));
  const touchedMs = median(touched.map((r) => r.ms));
  console.log(`${DECISIONS} open decisions, ${DECISIONS * 6 + VIEWERS} people with a Home, ${RUNS} runs (medians)`);
  console.log(`every Home looked at (baseline; a start): ${ms(fullMs)}, ${full[0]!.rendered} Homes rendered`);
  console.log(`after one append to one decision: ${ms(touchedMs)}, ${touched[0]!.rendered} Homes rendered`);
  console.log(`ratio: ${(touchedMs / fullMs).toFixed(3)}`);
  const positionMs = median(positions.map((r) => r.ms));
  console.log(
    `after a position: ${ms(positionMs)}, ${positions[0]!.rendered} Homes rendered (ratio ${(positionMs / fullMs).toFixed(3)})`,
  );
  ctx.close();
}

void main();
