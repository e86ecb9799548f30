import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../../helpers/run-patchcall';

const FIREWALL = join(__dirname, '../../fixtures/firewall');
const CLOUD = join(__dirname, '../../fixtures/cloud');

describe('patchcall import: firewall and cloud filter files', () => {
  it('detects each format by content, prints the filter names, and the log verifies', async () => {
    const db = tempDbPath();
    const files = [
      join(FIREWALL, 'generated/iptables-save_dmz_v4.txt'),
      join(FIREWALL, 'generated/ip6tables-save_dmz_v6.txt'),
      join(FIREWALL, 'generated/nft_json_ruleset_native_dmz.json'),
      join(CLOUD, 'aws/SecurityGroups.json'),
      join(CLOUD, 'azure/VM1-nsg.json'),
    ];
    const imported = await patchcall(['--db', db, 'import', ...files, '--json']);
    expect(imported.code).toBe(0);
    expect(imported.json().imported.map((i: { format: string; summary: string }) => [i.format, i.summary])).toEqual([
      ['iptables-save', '1 filter (iptables-save_dmz_v4)'],
      ['iptables-save', '1 filter (ip6tables-save_dmz_v6)'],
      ['nft-json', '1 filter (nft_json_ruleset_native_dmz)'],
      ['aws-security-groups', expect.stringMatching(/^11 filters \(sg-331ad04e, sg-55510831, /)],
      ['azure-nsg', '1 filter (VM1-nsg)'],
    ]);

    const text = await patchcall([
      '--db',
      tempDbPath(),
      'import',
      join(FIREWALL, 'generated/nft_json_ruleset_from_iptables-nft.json'),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      '2 filters (nft_json_ruleset_from_iptables-nft:ip:filter, nft_json_ruleset_from_iptables-nft:ip6:filter)',
    );

    const verify = await patchcall(['--db', db, 'audit', 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/chain ok: 5 events/);
  });

  it('refuses a broken dump whole, naming the file and the line, and stores nothing', async () => {
    const db = tempDbPath();
    const good = join(FIREWALL, 'generated/iptables-save_dmz_v4.txt');
    const broken = join(mkdtempSync(join(tmpdir(), 'patchcall-fw-')), 'edge.iptables-save');
    writeFileSync(broken, readFileSync(good, 'utf8').replace('-A MGMT -j RETURN', '-Z FORWARD'));
    const result = await patchcall(['--db', db, 'import', good, broken]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('edge.iptables-save (line 32, column 1): "-Z FORWARD" is not a rule');
    expect((await patchcall(['--db', db, 'audit', 'verify', '--json'])).json().count).toBe(0);
  });
});
