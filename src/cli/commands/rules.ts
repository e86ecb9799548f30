/** `patchcall rules check [--rules <dir>]` and `patchcall rules test <cases.json> [--rules <dir>]`. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadRulebook } from '../../app/load-rulebook';
import { checkNameTables, defaultRulesDir } from '../../app/rules-data';
import { InputError } from '../../common/errors';
import { parseJsonText } from '../../common/parse-json';
import type { Rulebook } from '../../risk/rulebook';
import { formatProblem, RulebookError } from '../../risk/rulebook-error';
import { readCases, runCases } from '../../risk/run-cases';
import { globalOptions, type CliRuntime } from '../cli-io';

interface RulesOptions {
  rules?: string;
}

export function registerRules(program: Command, runtime: CliRuntime): void {
  const rules = program.command('rules').description('check and test the rulebook (rules/ or $PATCHCALL_RULES)');

  rules
    .command('check')
    .description('validate the rulebook: rule syntax, facts, operators, outcomes, conflicts and coverage')
    .option('--rules <dir>', 'a rules folder (default: $PATCHCALL_RULES or the bundled rules/)')
    .action(async (options: RulesOptions, command: Command) => {
      const global = globalOptions(command);
      const rulebook = await load(runtime, global, options);
      if (!rulebook) return;
      // the name tables are rules data too: a bad row fails the check, naming its file and place
      try {
        checkNameTables(rulebook.dir);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        runtime.fail(1);
        runtime.io.stderr(`patchcall: the name tables in ${rulebook.dir} are not usable: ${error.message}\n`);
        return;
      }
      const files = [...new Set(rulebook.rules.map((r) => r.file))];
      runtime.print(
        global,
        {
          ok: true,
          dir: rulebook.dir,
          digest: rulebook.digest,
          files,
          rules: rulebook.rules.length,
          policy: rulebook.policy.file,
          deadlinePolicy: rulebook.policy.deadlinePolicy,
        },
        () =>
          `ok: ${rulebook.rules.length} rules in ${files.length} files, policy ${rulebook.policy.file} (${rulebook.policy.deadlinePolicy}, ${rulebook.policy.timezone})\n` +
          files.map((f) => `  ${f}\n`).join('') +
          `  sha256 ${rulebook.digest}\n`,
      );
    });

  rules
    .command('test')
    .description('run a case file (JSON array of {name, facts, expect}) through the rulebook; exit 1 on any mismatch')
    .argument('<cases>', 'the case file, e.g. rules/cases/ssvc-deployer.cases.json')
    .option('--rules <dir>', 'a rules folder (default: $PATCHCALL_RULES or the bundled rules/)')
    .action(async (file: string, options: RulesOptions, command: Command) => {
      const global = globalOptions(command);
      const cases = readCases(file, parseJsonText(file, readText(file)));
      const rulebook = await load(runtime, global, options);
      if (!rulebook) return;
      const results = await runCases(rulebook, cases);
      const failed = results.filter((r) => !r.ok);
      if (failed.length) runtime.fail(1);
      runtime.print(
        global,
        { ok: !failed.length, passed: results.length - failed.length, failed: failed.length, results },
        () => {
          const lines = failed.map(
            (r) =>
              `✗ ${r.name}\n` +
              r.mismatches.map((m) => `    ${m.field}: expected ${m.expected}, got ${m.actual}\n`).join('') +
              `    deciding rules: ${r.rules.join(', ') || '(none)'}\n`,
          );
          return (
            lines.join('') +
            `${failed.length ? 'FAIL' : 'ok'}: ${results.length - failed.length} of ${results.length} cases pass (${file})\n`
          );
        },
      );
    });
}

/** A bad rulebook is the answer of `rules check`, not a crash: print the problems and exit 1. */
async function load(
  runtime: CliRuntime,
  global: { json?: boolean },
  options: RulesOptions,
): Promise<Rulebook | undefined> {
  const dir = options.rules ?? runtime.config.rulesDir ?? defaultRulesDir();
  try {
    return await loadRulebook(dir);
  } catch (error) {
    if (!(error instanceof RulebookError)) throw error;
    runtime.fail(1);
    if (global.json) runtime.io.stdout(JSON.stringify({ ok: false, dir, problems: error.problems }, null, 2) + '\n');
    runtime.io.stderr(
      `patchcall: the rulebook in ${dir} is not usable:\n${error.problems.map(formatProblem).join('\n')}\n`,
    );
    return undefined;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(file, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
