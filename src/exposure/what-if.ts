/**
 * "What if we block tcp/445 at the edge?": a DROP for that port put at the top of the named filter's entry
 * chains, the exposure recomputed, and per asset the level before and after and the zones that stop reaching it.
 */
import { PatchcallError } from '../common/errors';
import type { AssetMatch } from '../inventory/model';
import { computeExposure, type ExposureInputs } from './compute-exposure';
import type { AssetExposure, Filter, FilterRule } from './model';

export interface Block {
  protocol: 'tcp' | 'udp';
  port: number;
  filter: string;
}

export interface WhatIfChange {
  assetId: string;
  assetName: string;
  before: AssetExposure['systemExposure'];
  after: AssetExposure['systemExposure'];
  publiclyExposedBefore: boolean;
  publiclyExposedAfter: boolean;
  /** Per port ("tcp/445"), the zones that reached it before and do not after. */
  stoppedZones: Record<string, string[]>;
}

export interface WhatIfResult {
  blocks: Block[];
  before: AssetExposure[];
  after: AssetExposure[];
  changes: WhatIfChange[];
}

const BLOCK = /^(tcp|udp)\/(\d{1,5})@(.+)$/i;

/** "tcp/445@edge" → a Block; a USAGE error says what is wrong. */
export function parseBlock(text: string): Block {
  const match = BLOCK.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535)
    throw new PatchcallError('USAGE', `--block "${text}" is not of the form proto/port@filter (e.g. tcp/445@edge)`);
  return { protocol: match[1]!.toLowerCase() as Block['protocol'], port, filter: match[3]! };
}

/** The filters with each block's DROP rule first in the entry chains of every filter of that name. */
export function withBlocks(filters: readonly Filter[], blocks: readonly Block[]): Filter[] {
  const unknown = blocks.filter((b) => !filters.some((f) => f.name === b.filter)).map((b) => b.filter);
  if (unknown.length)
    throw new PatchcallError(
      'USAGE',
      `--block names ${[...new Set(unknown)].map((n) => `"${n}"`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not an imported filter`,
    );
  return filters.map((filter) => {
    const mine = blocks.filter((b) => b.filter === filter.name);
    if (!mine.length) return filter;
    const entries = new Set(Object.values(filter.entryChains));
    const chains = filter.chains.map((chain) =>
      entries.has(chain.name)
        ? { ...chain, rules: [...mine.map((b) => blockRule(b, chain.name)), ...chain.rules] }
        : chain,
    );
    return { ...filter, chains };
  });
}

export function whatIf(matches: readonly AssetMatch[], inputs: ExposureInputs, blocks: readonly Block[]): WhatIfResult {
  const before = computeExposure(matches, inputs);
  const after = computeExposure(matches, { ...inputs, filters: withBlocks(inputs.filters, blocks) });
  const changes = before.map((b, i): WhatIfChange => {
    const a = after[i]!;
    const stoppedZones: Record<string, string[]> = {};
    for (const port of b.ports) {
      const label = `${port.protocol}/${port.port}`;
      const still = new Set(
        a.ports.find((p) => p.protocol === port.protocol && p.port === port.port)?.reachableFrom.map((z) => z.zone),
      );
      const stopped = [...new Set(port.reachableFrom.map((z) => z.zone))].filter((z) => !still.has(z));
      if (stopped.length) stoppedZones[label] = stopped;
    }
    return {
      assetId: b.assetId,
      assetName: b.assetName,
      before: b.systemExposure,
      after: a.systemExposure,
      publiclyExposedBefore: b.publiclyExposed,
      publiclyExposedAfter: a.publiclyExposed,
      stoppedZones,
    };
  });
  return { blocks: [...blocks], before, after, changes };
}

function blockRule(block: Block, chain: string): FilterRule {
  return {
    number: 0,
    text: `-I ${chain} 1 -p ${block.protocol} --dport ${block.port} -j DROP`,
    locator: `what-if --block ${block.protocol}/${block.port}@${block.filter}`,
    label: 'what-if',
    match: {
      protocols: { values: [block.protocol], negate: false },
      destinationPorts: { ranges: [{ from: block.port, to: block.port }], negate: false },
      unknown: [],
    },
    action: { kind: 'drop' },
  };
}
