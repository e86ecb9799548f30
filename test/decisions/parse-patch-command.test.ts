import { parsePatchCommand } from '../../src/decisions/parse-patch-command';
import { channelNameFor } from '../../src/decisions/channel-name';

describe('parsePatchCommand', () => {
  it.each([
    ['open MS08-067', { kind: 'open', bulletin: 'MS08-067' }],
    ['  open   CVE-2008-4250 ', { kind: 'open', bulletin: 'CVE-2008-4250' }],
    ['new', { kind: 'new' }],
    ['status', { kind: 'status' }],
    ['status MS08-067', { kind: 'status', decision: 'MS08-067' }],
    ['assets MS08-067', { kind: 'assets', decision: 'MS08-067' }],
    ['roles', { kind: 'roles' }],
    ['export ms08-067', { kind: 'export', decision: 'ms08-067' }],
    ['export ms08-067 html', { kind: 'export', decision: 'ms08-067', format: 'html' }],
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
  ])('reads %j', (text, expected) => {
    expect(parsePatchCommand(text)).toEqual(expected);
  });

  it('answers an unknown subcommand with help', () => {
    expect(parsePatchCommand('frobnicate now')).toEqual({ kind: 'help', problem: 'Unknown subcommand "frobnicate".' });
  });

  it('reads ids from escaped mentions only', () => {
    expect(
      parsePatchCommand('roles set sysadmin <@U0SYS0001|alice> <!subteam^S0SYSADMIN|@win-admins> <@U0SYS0001>'),
    ).toEqual({
      kind: 'roles-set',
      role: 'sysadmin',
      users: ['U0SYS0001'],
      groups: ['S0SYSADMIN'],
    });
    expect(parsePatchCommand('roles set security @alice')).toMatchObject({ kind: 'help' });
    expect(parsePatchCommand('roles set dba <@U0SYS0001>')).toMatchObject({
      kind: 'help',
      problem: expect.stringContaining('Unknown role "dba"'),
    });
  });
});

describe('/patch provider', () => {
  it('keeps the note as typed, Slack escapes undone (it is escaped again when shown)', () => {
    expect(parsePatchCommand('provider MS08-067 scheduled  Saturday 02:00 &amp; &lt;!channel&gt;')).toEqual({
      kind: 'provider',
      decision: 'MS08-067',
      status: 'scheduled',
      note: 'Saturday 02:00 & <!channel>',
    });
    expect(parsePatchCommand('provider MS08-067 patched')).toEqual({
      kind: 'provider',
      decision: 'MS08-067',
      status: 'patched',
      note: '',
    });
    expect(parsePatchCommand('provider MS08-067')).toMatchObject({ kind: 'help' });
  });
});

describe('channelNameFor', () => {
  it('follows Slack channel name rules', () => {
    expect(channelNameFor('MS08-067')).toBe('patch-ms08-067');
    expect(channelNameFor('MS08-067', 2)).toBe('patch-ms08-067-2');
    expect(channelNameFor('RHSA-2024:1234 (kernel)')).toBe('patch-rhsa-2024-1234-kernel');
    const long = channelNameFor('X'.repeat(120), 12);
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^[a-z0-9_-]+-12$/);
  });
});
