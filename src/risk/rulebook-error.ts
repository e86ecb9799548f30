/** A rules folder that cannot be used: every problem found, each naming the file, the place in it and the rule. */
import { formatPlace, PatchcallError } from '../common/errors';

export interface RulebookProblem {
  file: string;
  /** JSON pointer in the file, when the problem sits at one place. */
  pointer?: string;
  line?: number;
  column?: number;
  rule?: string;
  problem: string;
}

export class RulebookError extends PatchcallError {
  constructor(readonly problems: RulebookProblem[]) {
    super('CONFIG', `the rules are not usable:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'RulebookError';
  }
}

export function formatProblem(p: RulebookProblem): string {
  const place = formatPlace({
    ...(p.line !== undefined ? { line: p.line } : {}),
    ...(p.column !== undefined ? { column: p.column } : {}),
    ...(p.pointer !== undefined ? { pointer: p.pointer } : {}),
  });
  return `  ${p.file}${place}${p.rule !== undefined ? ` rule "${p.rule}"` : ''}: ${p.problem}`;
}
