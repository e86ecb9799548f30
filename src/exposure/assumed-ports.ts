/**
 * The ports one asset's exposure is worked out on. Normally the bulletin's vulnerable ports (from the bulletin, the
 * per-CVE/product table, or the affected assets' own services). When none of those names any ("ports unknown"),
 * exposure is assumed to be the host's: every port a scan saw the host listen on, else any port at all, as port
 * classes: the ranges over which no filter's rules change their verdict, so one port of each range decides it.
 */
import type { PortSpec } from '../bulletins/model';
import type { Asset } from '../inventory/model';
import type { Filter } from './model';

/** A port to assess; `toPort` when it stands for the whole range port..toPort (any port of the host). */
export interface AssessedPort extends PortSpec {
  toPort?: number;
}

export interface AssetPorts {
  ports: AssessedPort[];
  /** Set when the ports are the host's, not the vulnerable service's: what was assumed, for the explanation. */
  assumed?: string;
  /** Part of the memo key: equal keys, equal port lists. */
  key: string;
}

const HIGHEST_PORT = 65535;
const anyPortCache = new WeakMap<readonly Filter[], AssessedPort[]>();

export function assetPorts(
  asset: Asset,
  inputs: { ports: readonly PortSpec[]; portsUnknown?: boolean; portsNote?: string; filters: readonly Filter[] },
): AssetPorts {
  if (inputs.ports.length || !inputs.portsUnknown)
    return { ports: [...inputs.ports], ...(inputs.portsNote ? { assumed: inputs.portsNote } : {}), key: '' };
  // the reachability model knows tcp and udp; an open sctp port stays in the scan, not in this answer
  const listening = asset.services
    .flatMap((s): AssessedPort[] =>
      s.state === 'open' && s.protocol !== 'sctp' ? [{ protocol: s.protocol, port: s.port }] : [],
    )
    .filter((p, i, all) => all.findIndex((q) => q.protocol === p.protocol && q.port === p.port) === i);
  if (listening.length) {
    const labels = listening.map(portLabel).join(', ');
    return {
      ports: listening,
      assumed: `ports unknown: exposure assumed to be the host's, computed over every port a scan saw it listen on (${labels})`,
      key: `listening:${labels}`,
    };
  }
  let any = anyPortCache.get(inputs.filters);
  if (!any) anyPortCache.set(inputs.filters, (any = portClasses(inputs.filters)));
  return {
    ports: any,
    assumed:
      "ports unknown: exposure assumed to be the host's, computed as host-level reachability over any tcp or udp port (no scan lists the ports it listens on)",
    key: 'any',
  };
}

/** "tcp/445", or "tcp/1024-65535" for a range. */
export function portLabel(port: AssessedPort): string {
  return port.toPort !== undefined && port.toPort !== port.port
    ? `${port.protocol}/${port.port}-${port.toPort}`
    : `${port.protocol}/${port.port}`;
}

/**
 * Every tcp and udp port, cut where any rule's destination ports begin or end: within one range every rule
 * matches all of its ports or none, so the range's first port decides for all of it.
 */
function portClasses(filters: readonly Filter[]): AssessedPort[] {
  const starts = new Set<number>([1]);
  for (const filter of filters)
    for (const chain of filter.chains)
      for (const rule of chain.rules)
        for (const range of rule.match.destinationPorts?.ranges ?? []) {
          if (range.from >= 1 && range.from <= HIGHEST_PORT) starts.add(range.from);
          if (range.to + 1 >= 1 && range.to + 1 <= HIGHEST_PORT) starts.add(range.to + 1);
        }
  const sorted = [...starts].sort((a, b) => a - b);
  const ranges = sorted.map((from, i) => ({ from, to: (sorted[i + 1] ?? HIGHEST_PORT + 1) - 1 }));
  return (['tcp', 'udp'] as const).flatMap((protocol) =>
    ranges.map((r) => ({ protocol, port: r.from, ...(r.to !== r.from ? { toPort: r.to } : {}) })),
  );
}
