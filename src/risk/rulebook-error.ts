/** A rulebook that cannot be used: every problem found, each naming the file and (where there is one) the rule. */
import { PatchcallError } from '../common/errors';

export interface RulebookProblem {
  file: string;
  rule?: string;
  problem: string;
}

export class RulebookError extends PatchcallError {
  constructor(readonly problems: RulebookProblem[]) {
    super('CONFIG', `the rulebook is not usable:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'RulebookError';
  }
}

export function formatProblem(p: RulebookProblem): string {
  return `  ${p.file}${p.rule !== undefined ? ` rule "${p.rule}"` : ''}: ${p.problem}`;
}
