import { mergeAssetViews, newAsset, sameHost } from '../../src/inventory/merge-assets';
import { inventorySource } from '../../src/inventory/inventory-source';

const cmdb = (seq: number) => ({ ...inventorySource('servicenow-cmdb', 'cmdb.csv'), eventSeq: seq });
const nmap = (seq: number) => ({ ...inventorySource('nmap', 'scan.xml'), eventSeq: seq });

describe('merging views of the same host', () => {
  it('matches a short name with an FQDN, but not two different FQDNs', () => {
    const a = newAsset({ id: 'x1', name: 'web01', sources: [cmdb(1)] });
    expect(sameHost(a, newAsset({ id: '10.0.0.1', name: 'WEB01.corp.example', sources: [nmap(2)] }))).toBe(true);
    const b = newAsset({ id: 'y1', name: 'db01.site-a.example', sources: [cmdb(1)] });
    expect(sameHost(b, newAsset({ id: 'y2', name: 'db01.site-b.example', sources: [cmdb(1)] }))).toBe(false);
  });

  it('joins two groups that a later view bridges (name from one, address from the other)', () => {
    const row = newAsset({ id: 'sys1', name: 'fs01', criticality: 'critical', sources: [cmdb(1)] });
    const scan = newAsset({ id: '10.20.1.21', name: '10.20.1.21', addresses: ['10.20.1.21'], sources: [nmap(2)] });
    const bridge = newAsset({
      id: 'i-1',
      name: 'fs01',
      addresses: ['10.20.1.21'],
      sources: [{ ...inventorySource('aws-instances', 'aws.json'), eventSeq: 3 }],
    });
    const merged = mergeAssetViews([row, scan, bridge]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ id: 'sys1', name: 'fs01', criticality: 'critical', addresses: ['10.20.1.21'] });
  });

  it('lets the newer scan replace the older one, and keeps the CMDB OS preferred over a contradicting fingerprint', () => {
    const row = newAsset({ id: 'sys1', name: 'fs01', sources: [cmdb(1)] });
    row.osCandidates = [
      {
        raw: 'Windows Server 2003 SP1',
        cpe: 'cpe:2.3:o:microsoft:windows_server_2003:-:sp1:*:*:*:*:*:*',
        confidence: 100,
        method: 'inventory',
        source: cmdb(1),
      },
    ];
    const old = newAsset({
      id: '10.0.0.5',
      name: 'fs01',
      services: [{ protocol: 'tcp', port: 445, state: 'open', source: nmap(2) }],
      sources: [nmap(2)],
    });
    const fresh = newAsset({
      id: '10.0.0.5',
      name: 'fs01',
      services: [{ protocol: 'tcp', port: 445, state: 'filtered', source: nmap(3) }],
      sources: [nmap(3)],
    });
    fresh.osCandidates = [
      {
        raw: 'Linux 2.6.32',
        cpe: 'cpe:2.3:o:linux:linux_kernel:2.6.32:*:*:*:*:*:*:*',
        confidence: 96,
        method: 'fingerprint',
        source: nmap(3),
      },
    ];
    const [asset] = mergeAssetViews([row, old, fresh]);
    expect(asset!.services).toEqual([expect.objectContaining({ port: 445, state: 'filtered' })]);
    expect(asset!.os!.raw).toBe('Windows Server 2003 SP1');
    expect(asset!.conflicts[0]!.note).toMatch(
      /preferring the inventory record .* over the 96 % fingerprint .*"Linux 2\.6\.32"/,
    );
  });
});
