/**
 * Which Homes a run of the App Home publisher looks at, on a real SQLite log: everyone once after a start, then only
 * the people an appended event, a changed role or a passed deadline concerns. The Slack side is a recording port
 * (what the real one renders is tested through the app in test/slack/flows/app-home*.test.ts).
 */
import { openAppContext, type AppContext } from '../../src/app/app-context';
import type { HomeSnapshot, HomeViewsPort } from '../../src/app/home-outbox';
import { patchcallOver } from '../../src/app/patchcall';
import { noMembers, type CurrentMembers } from '../../src/decisions/home-audience';
import { convenedPayload, PEOPLE } from '../decisions/sample-decision';
import { tempDbPath } from '../helpers/run-patchcall';

const OTHER = { security: 'U0BSEC001', owner: 'U0BOWN001' };
const NEWCOMER = 'U0NEW0001';

describe('the App Home publisher looks at the Homes something touched', () => {
  let ctx: AppContext;
  let now = new Date('2008-10-24T10:00:00Z');
  let members: CurrentMembers = noMembers();
  const rendered: string[][] = [];

  /** Renders record whose Home was looked at; every view differs, so each one looked at is published. */
  const port: HomeViewsPort = {
    render: (userId: string, snapshot: HomeSnapshot) => {
      rendered.at(-1)!.push(userId);
      return { userId, at: snapshot.now.toISOString(), seq: Math.random() };
    },
    renderShared: (snapshot: HomeSnapshot) => snapshot.decisions.map((d) => [d.id, d.status]),
    publish: async () => undefined,
  };
  const outbox = () => patchcallOver(ctx).homeOutbox(port, { sweepMs: 3_600_000, members: () => members });
  /** One run of the publisher (the first one is its start); the people it looked at, sorted. */
  const run = async (homes: ReturnType<typeof outbox>, start = false): Promise<string[]> => {
    rendered.push([]);
    if (start) homes.start();
    else homes.nudge();
    await homes.idle();
    return [...rendered.at(-1)!].sort();
  };
  const append = (decisionId: string, type: string, payload: unknown) =>
    ctx.events.append({ type, stream: `decision:${decisionId}`, actor: 'system', payload });

  beforeEach(() => {
    now = new Date('2008-10-24T10:00:00Z');
    members = noMembers();
    ctx = openAppContext({ dbPath: tempDbPath(), clock: () => now });
    append('MS08-067', 'decision.convened', convenedPayload());
    append(
      'MS09-001',
      'decision.convened',
      convenedPayload({
        decisionId: 'MS09-001',
        bulletinId: 'MS09-001',
        channel: { id: 'C0PATCH02', name: 'patch-ms09-001' },
        members: { security: [OTHER.security], network: [], sysadmin: [], owner: [OTHER.owner], delegate: [] },
      }),
    );
  });
  afterEach(() => ctx.close());

  const ms08People = [PEOPLE.sec1, PEOPLE.sec2, PEOPLE.net, PEOPLE.sys1, PEOPLE.sys2, PEOPLE.owner, PEOPLE.delegate];

  it('looks at everyone once after a start, then at the people of the decision an event touched', async () => {
    const homes = outbox();
    expect(await run(homes, true)).toEqual([...ms08People, OTHER.owner, OTHER.security].sort());

    // a run with nothing new looks at no one
    expect(await run(homes)).toEqual([]);

    append('MS09-001', 'decision.position-recorded', {
      userId: OTHER.security,
      roles: ['security'],
      stance: 'agree',
      key: 'k1',
    });
    expect(await run(homes)).toEqual([OTHER.owner, OTHER.security].sort());

    // someone joins a role's user group: their Home (and only theirs) is looked at, and from now on every
    // decision's events reach them too
    members = { ...noMembers(), security: [NEWCOMER] };
    expect(await run(homes)).toEqual([NEWCOMER]);
    append('MS08-067', 'decision.reassessed', { key: 'r1', cause: 'test', snapshot: convenedPayload().snapshot });
    expect(await run(homes)).toEqual([...ms08People, NEWCOMER].sort());

    // the deadline of both (24 Oct 16:00 UTC) passes: time alone touches both decisions' people
    now = new Date('2008-10-24T16:00:01Z');
    expect(await run(homes)).toEqual([...ms08People, OTHER.owner, OTHER.security, NEWCOMER].sort());
    expect(await run(homes)).toEqual([]);

    // what every Home shows alike changes (a decision convened): everyone, including who only opened the tab
    await homes.publishNow('U0TESTER1');
    append('MS10-001', 'decision.convened', convenedPayload({ decisionId: 'MS10-001', bulletinId: 'MS10-001' }));
    expect(await run(homes)).toContain('U0TESTER1');
    await homes.stop();

    // a restart looks at everyone once again
    const again = outbox();
    expect(await run(again, true)).toEqual([...ms08People, OTHER.owner, OTHER.security, NEWCOMER, 'U0TESTER1'].sort());
    await again.stop();
  });
});
