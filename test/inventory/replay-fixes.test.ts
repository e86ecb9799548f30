import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';
import { assetsAsOf, installedFrom } from '../../src/inventory/as-of';
import { newAsset } from '../../src/inventory/merge-assets';
import { inventorySource } from '../../src/inventory/inventory-source';

const seed = (file: string) => join(__dirname, '..', '..', 'db', 'seed', file);

describe('--at: a fix counts as installed only from its install date', () => {
  it('a date-only install counts once that day has ended in every zone', () => {
    expect(new Date(installedFrom('2008-10-24')).toISOString()).toBe('2008-10-25T12:00:00.000Z');
    const source = inventorySource('get-hotfix', 'hotfix.csv');
    const asset = newAsset({
      id: 'fs02',
      name: 'fs02',
      sources: [source],
      installedFixes: [
        { id: 'KB958644', installedOn: '2008-10-24', source },
        { id: 'KB951748', installedOn: '2008-08-13', source },
        { id: 'KB123456', source },
      ],
    });
    const fixes = (at: string) => assetsAsOf([asset], new Date(at))[0]!.installedFixes.map((f) => f.id);
    expect(fixes('2008-10-23T18:30:00Z')).toEqual(['KB951748', 'KB123456']);
    expect(fixes('2008-10-25T11:59:59Z')).toEqual(['KB951748', 'KB123456']);
    expect(fixes('2008-10-25T12:00:00Z')).toEqual(['KB958644', 'KB951748', 'KB123456']);
  });

  it('fs02 is affected on the day MS08-067 came out and patched once its KB958644 (10/24/2008) is in', async () => {
    const db = tempDbPath();
    const files = ['ms08-067.bulletin.yaml', 'cmdb-servers.csv', 'nmap-scan.xml', 'hotfixes.csv'].map(seed);
    expect((await patchcall(['import', ...files, '--db', db])).code).toBe(0);
    const statusAt = async (at?: string) => {
      const args = [...(at ? ['--at', at] : []), 'assets', '--bulletin', 'MS08-067', '--json', '--db', db];
      const out = (await patchcall(args)).json();
      return out.matches.find((m: { asset: { name: string } }) => m.asset.name === 'fs02').status;
    };
    expect(await statusAt('2008-10-23T18:30:00Z')).toBe('affected');
    expect(await statusAt('2008-10-26T00:00:00Z')).toBe('patched');
    expect(await statusAt()).toBe('patched');
  });
});
