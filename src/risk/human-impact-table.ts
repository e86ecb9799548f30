/**
 * CERT/CC's Human Impact table (Safety Impact x Mission Impact, 16 rows) read from its official CSV. The table is
 * authoritative: the prose definitions in human_impact_2_0_2.json disagree with it in two cells.
 */
import { ConfigError } from '../common/errors';
import type { HumanImpact, MissionImpact, SafetyImpact } from './model';
import { RulebookError, type RulebookProblem } from './rulebook-error';
import { HUMAN_IMPACT, MISSION_IMPACT, SAFETY_IMPACT } from './ssvc-values';

export interface HumanImpactTable {
  file: string;
  lookup: Map<string, HumanImpact>;
}

/** Columns are found by decision-point name ("Safety Impact v2.0.1"), not position, so a reordered export still reads. */
export function readHumanImpactTable(file: string, rows: Record<string, string>[]): HumanImpactTable {
  const problems: RulebookProblem[] = [];
  const columns = Object.keys(rows[0] ?? {});
  const column = (name: string) =>
    columns.find(
      (c) =>
        c
          .replace(/\s+v[\d.]+(\s*\(.*\))?$/i, '')
          .trim()
          .toLowerCase() === name.toLowerCase(),
    );
  const safetyCol = column('Safety Impact');
  const missionCol = column('Mission Impact');
  const humanCol = column('Human Impact');
  if (!safetyCol || !missionCol || !humanCol) {
    throw new RulebookError([
      {
        file,
        problem: `needs the columns Safety Impact, Mission Impact and Human Impact; found ${columns.join(', ') || 'none'}`,
      },
    ]);
  }
  const lookup = new Map<string, HumanImpact>();
  rows.forEach((row, i) => {
    const safety = row[safetyCol] as SafetyImpact;
    const mission = row[missionCol] as MissionImpact;
    const human = row[humanCol] as HumanImpact;
    const where = `row ${i + 1}`;
    if (!SAFETY_IMPACT.includes(safety))
      problems.push({ file, problem: `${where}: unknown Safety Impact "${safety}"` });
    else if (!MISSION_IMPACT.includes(mission))
      problems.push({ file, problem: `${where}: unknown Mission Impact "${mission}"` });
    else if (!HUMAN_IMPACT.includes(human))
      problems.push({ file, problem: `${where}: unknown Human Impact "${human}"` });
    else if (lookup.has(key(safety, mission)))
      problems.push({ file, problem: `${where}: ${safety} x ${mission} appears twice` });
    else lookup.set(key(safety, mission), human);
  });
  for (const safety of SAFETY_IMPACT) {
    for (const mission of MISSION_IMPACT) {
      if (!problems.length && !lookup.has(key(safety, mission)))
        problems.push({ file, problem: `no row for ${safety} x ${mission}` });
    }
  }
  if (problems.length) throw new RulebookError(problems);
  return { file, lookup };
}

export function humanImpactOf(table: HumanImpactTable, safety: SafetyImpact, mission: MissionImpact): HumanImpact {
  const value = table.lookup.get(key(safety, mission));
  // a table read by humanImpactTable has every row; one made by hand may not
  if (!value) throw new ConfigError(`${table.file}: no Human Impact for ${safety} x ${mission}`);
  return value;
}

function key(safety: string, mission: string): string {
  return `${safety}|${mission}`;
}
