/**
 * `rules check` and `rules test` as use cases: load a rules folder and say whether it is usable, and run a case
 * file through its rulebook. A folder with problems is an answer here, not an exception, so every edge reports it
 * the same way (each problem naming the file, the place and the rule).
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../common/errors';
import { parseJsonText } from '../common/parse-json';
import type { Rulebook } from '../risk/rulebook';
import { formatProblem, RulebookError, type RulebookProblem } from '../risk/rulebook-error';
import { readCases, runCases, type CaseResult } from '../risk/run-cases';
import { RulesFolder } from './rules-folder';

export type RulesCheck =
  | { ok: true; folder: RulesFolder; rulebook: Rulebook }
  /** `lines`: each problem on its own line, indented, for a person. */
  | { ok: false; dir: string; problems: RulebookProblem[]; lines: string[] };

export async function checkRules(dir: string): Promise<RulesCheck> {
  try {
    const folder = RulesFolder.load(dir);
    return { ok: true, folder, rulebook: await folder.rulebook() };
  } catch (error) {
    if (!(error instanceof RulebookError)) throw error;
    return { ok: false, dir, problems: error.problems, lines: error.problems.map(formatProblem) };
  }
}

export type RuleCasesRun = { ok: true; results: CaseResult[] } | Extract<RulesCheck, { ok: false }>;

/** Reads the case file first (a bad case file is bad input whatever the rules), then runs it through the rules. */
export async function testRuleCases(casesFile: string, rulesDir: string): Promise<RuleCasesRun> {
  const cases = readCases(casesFile, parseJsonText(casesFile, readText(casesFile)));
  const check = await checkRules(rulesDir);
  if (!check.ok) return check;
  return { ok: true, results: await runCases(check.rulebook, cases) };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(file, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
