/**
 * Reads the rulebook from a rules folder (rules/ or $PATCHCALL_RULES): rulebook/*.json (json-rules-engine rules),
 * policy.json and tables/human_impact_1_0_0.csv; validates it whole and fingerprints it for the decision snapshot.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { formatPlace, InputError } from '../common/errors';
import { parseJsonText } from '../common/parse-json';
import type { Rulebook, RulebookSource } from '../risk/rulebook';
import { RulebookError, type RulebookProblem } from '../risk/rulebook-error';
import { validateRulebook } from '../risk/validate-rulebook';
import { defaultRulesDir } from './rules-data';

export const RULEBOOK_FOLDER = 'rulebook';
export const POLICY_FILE = 'policy.json';
export const HUMAN_IMPACT_TABLE = join('tables', 'human_impact_1_0_0.csv');

export async function loadRulebook(rulesDir: string = defaultRulesDir()): Promise<Rulebook> {
  return validateRulebook(readRulebookSource(rulesDir));
}

export function readRulebookSource(rulesDir: string): RulebookSource {
  const problems: RulebookProblem[] = [];
  const hash = createHash('sha256');
  const read = (relative: string): string | undefined => {
    const path = join(rulesDir, relative);
    try {
      const text = readFileSync(path, 'utf8');
      // the digest covers names and bytes, so a renamed or edited file changes it
      hash.update(`${relative}\0${text.length}\0${text}`);
      return text;
    } catch (error) {
      problems.push({
        file: path,
        problem: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      });
      return undefined;
    }
  };
  const json = (relative: string): unknown => {
    const text = read(relative);
    if (text === undefined) return undefined;
    try {
      return parseJsonText(join(rulesDir, relative), text);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push({ file: error.file, problem: `${error.problem}${formatPlace(error.place)}` });
      return undefined;
    }
  };

  const folder = join(rulesDir, RULEBOOK_FOLDER);
  const names = existsSync(folder)
    ? readdirSync(folder)
        .filter((n) => n.endsWith('.json'))
        .sort()
    : [];
  if (!names.length)
    problems.push({
      file: folder,
      problem: 'no rule files (*.json) found; a rulebook needs at least the urgency rules',
    });
  const ruleFiles = names.map((name) => ({ file: join(folder, name), json: json(join(RULEBOOK_FOLDER, name)) }));
  const policy = { file: join(rulesDir, POLICY_FILE), json: json(POLICY_FILE) };
  const tableText = read(HUMAN_IMPACT_TABLE);
  let rows: Record<string, string>[] = [];
  try {
    rows = tableText === undefined ? [] : parseCsv(tableText, { columns: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    problems.push({ file: join(rulesDir, HUMAN_IMPACT_TABLE), problem: `invalid CSV: ${(error as Error).message}` });
  }
  if (problems.length) throw new RulebookError(problems);
  return {
    dir: rulesDir,
    digest: hash.digest('hex'),
    ruleFiles,
    policy,
    humanImpactTable: { file: join(rulesDir, HUMAN_IMPACT_TABLE), rows },
  };
}
