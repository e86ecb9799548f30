/**
 * Cisco IOS release names as data: "12.2(55)SE3" is major release 12.2, maintenance 55, train SE, rebuild 3.
 * Releases order only by rebuild within one maintenance release of one train (12.2(55)SE < 12.2(55)SE3 <
 * 12.2(55)SE10). Across trains (12.2SE against 15.0SE or 12.2SXI) Cisco publishes no order, and even across
 * maintenance releases of one train the rebuilds interleave in time (12.2(58)SE2 shipped before 12.2(55)SE10),
 * so a fix in one is no proof for the other: those comparisons are undefined, and an advisory's list of affected
 * releases must be read as an enumeration.
 */

export interface IosRelease {
  /** "12.2" */
  major: string;
  /** Maintenance number and its letter, "55" / "25f" (interim letters order after the number). */
  maintenance: { number: number; letter: string };
  /** "SE", "SXI", "E", "T", "" for the mainline. */
  train: string;
  /** Rebuild number and letter, "3" / "4a"; number -1 for none (the first release of the train). */
  rebuild: { number: number; letter: string };
}

const IOS_RELEASE = /^(\d+\.\d+)\((\d+)([a-z]*)\)([A-Z]*)(\d*)([a-z]*)$/;

export function parseIosRelease(text: string): IosRelease | undefined {
  const match = IOS_RELEASE.exec(text.trim().replace(/^Cisco IOS\s+/i, ''));
  if (!match) return undefined;
  const [, major, maintenance, maintenanceLetter, train, rebuild, rebuildLetter] = match;
  if (!rebuild && rebuildLetter) return undefined;
  return {
    major: major!,
    maintenance: { number: Number(maintenance), letter: maintenanceLetter! },
    train: train!,
    rebuild: { number: rebuild ? Number(rebuild) : -1, letter: rebuildLetter! },
  };
}

/** The train a release belongs to: "12.2SE". */
export function iosTrain(release: IosRelease): string {
  return `${release.major}${release.train}`;
}

/** The line whose rebuilds are ordered: "12.2(55)SE". */
export function iosRebuildLine(release: IosRelease): string {
  return `${release.major}(${release.maintenance.number}${release.maintenance.letter})${release.train}`;
}

export function compareIos(a: string, b: string): -1 | 0 | 1 | undefined {
  const x = parseIosRelease(a);
  const y = parseIosRelease(b);
  if (!x || !y || iosRebuildLine(x) !== iosRebuildLine(y)) return undefined;
  const pairs: [number | string, number | string][] = [
    [x.rebuild.number, y.rebuild.number],
    [x.rebuild.letter, y.rebuild.letter],
  ];
  for (const [l, r] of pairs) if (l !== r) return l < r ? -1 : 1;
  return 0;
}
