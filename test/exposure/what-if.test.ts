import { parseBlock, whatIf, withBlocks } from '../../src/exposure/what-if';
import { affected, exposureRules } from './helpers/build-filters';
import { edge, seedAssets, seedFilters, seedNetwork } from './helpers/seed-estate';

const ports = [{ protocol: 'tcp' as const, port: 445 }];

describe('what-if blocks', () => {
  test('parses proto/port@filter and refuses anything else', () => {
    expect(parseBlock('TCP/445@edge')).toEqual({ protocol: 'tcp', port: 445, filter: 'edge' });
    expect(() => parseBlock('445@edge')).toThrow(/not of the form/);
    expect(() => parseBlock('tcp/0@edge')).toThrow(/not of the form/);
    // a usage error with its code, so no edge has to rewrap it
    expect(() => parseBlock('tcp/0@edge')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => withBlocks(seedFilters, [parseBlock('tcp/445@nowhere')])).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
  });

  test('the DROP goes first in every entry chain of each filter of that name, and nowhere else', () => {
    const blocked = withBlocks(seedFilters, [parseBlock('tcp/445@edge')]);
    const forward = blocked.find((f) => f.name === 'edge')!.chains.find((c) => c.name === 'FORWARD')!;
    expect(forward.rules[0]).toMatchObject({
      label: 'what-if',
      action: { kind: 'drop' },
      match: { destinationPorts: { ranges: [{ from: 445, to: 445 }] } },
    });
    expect(forward.rules).toHaveLength(edge.chains[0]!.rules.length + 1);
    expect(
      blocked
        .filter((f) => f.name === 'edge')
        .every((f) => f.chains.find((c) => c.name === 'FORWARD')!.rules[0]!.label === 'what-if'),
    ).toBe(true);
    expect(blocked.find((f) => f.name === 'core')).toBe(seedFilters.find((f) => f.name === 'core'));
    expect(() => withBlocks(seedFilters, [parseBlock('tcp/445@nowhere')])).toThrow(
      /"nowhere", which is not an imported filter/,
    );
  });

  test('blocking 445 at the edge: web01 goes from open to small; fs01 keeps its own zone; the SG host is untouched', () => {
    const matches = [seedAssets.web01, seedAssets.fs01, seedAssets.cloudApp01].map(affected);
    const result = whatIf(matches, { filters: seedFilters, network: seedNetwork, ports, rules: exposureRules }, [
      parseBlock('tcp/445@edge'),
    ]);
    expect(result.changes.map((c) => [c.assetName, c.before, c.after])).toEqual([
      ['web01', 'open', 'small'],
      ['fs01', 'controlled', 'small'],
      ['cloud-app01', 'controlled', 'controlled'],
    ]);
    expect(result.changes[0]!.stoppedZones['tcp/445']).toEqual([
      'servers',
      'office',
      'staging',
      'management',
      'cloud',
      'unassigned-private',
      'internet',
    ]);
    expect(result.changes[1]!.stoppedZones['tcp/445']).toEqual(['office']);
    const blockedBy = result.after[0]!.ports[0]!.blockedFrom.find((z) => z.zone === 'internet')!.path[0]!;
    expect(blockedBy).toMatchObject({
      filter: 'edge',
      chain: 'FORWARD',
      verdict: 'drop',
      rule: { number: 0, locator: 'what-if --block tcp/445@edge' },
    });
  });
});
