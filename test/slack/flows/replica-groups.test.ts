/**
 * Slack sends `subteam_updated` to one connection only: two replicas of the real app on one PostgreSQL, the event
 * delivered to one of them, and the other's role checks see the new member without asking Slack.
 */
import { PEOPLE } from '../../decisions/sample-decision';
import { usePostgres } from '../../helpers/postgres';
import { startSlackHarness, type SlackHarness } from '../../helpers/slack-harness';
import { ADMIN, eventually, startDecisionHarness, storeFor } from './decision-flow-setup';

const postgres = usePostgres();
const NEWCOMER = 'U0NEWSYS1';

describe('a user group changed in Slack, told to one replica', () => {
  const harnesses: SlackHarness[] = [];
  afterAll(async () => {
    for (const h of harnesses.reverse()) await h.stop();
  });

  it('reaches the role checks of the other replica', async () => {
    const told = await startDecisionHarness({ store: await storeFor('postgres', postgres) });
    harnesses.push(told);
    const other = await startSlackHarness({ store: told.store, env: { PATCHCALL_ADMINS: ADMIN }, logLevel: 'warn' });
    harnesses.push(other);
    for (const id of [PEOPLE.sys1, PEOPLE.sys2]) other.standIn.addUser({ id, name: id });
    other.standIn.addUsergroup({
      id: 'S0SYSADMIN',
      handle: 'win-sysadmins',
      name: 'Windows sysadmins',
      users: [PEOPLE.sys1, PEOPLE.sys2],
    });
    // both have had Slack's answer (shared as they got it); from here on Slack sends only the event
    await told.deps.membership.refresh();
    await other.deps.membership.refresh();
    const lookups = other.standIn.calls('usergroups.users.list').length;

    const response = await told.event({
      type: 'subteam_updated',
      subteam: { id: 'S0SYSADMIN', users: [PEOPLE.sys1, PEOPLE.sys2, NEWCOMER] },
    });
    expect(response.status).toBe(200);
    await eventually(
      () => other.deps.membership.current().sysadmin.includes(NEWCOMER) || undefined,
      'the new member on the other replica',
    );
    expect(other.deps.membership.current().sysadmin.sort()).toEqual([PEOPLE.sys1, PEOPLE.sys2, NEWCOMER].sort());
    expect(other.standIn.calls('usergroups.users.list')).toHaveLength(lookups);
  }, 60_000);
});
