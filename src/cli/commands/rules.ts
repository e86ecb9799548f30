/** `patchcall rules check [--rules <dir>]` and `patchcall rules test <cases.json> [--rules <dir>]`. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { defaultRulesDir, RulesFolder } from '../../app/rules-folder';
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
    .description(
      'validate every file in the rules folder against its schema, and the rulebook: facts, operators, outcomes, conflicts and coverage',
    )
    .option('--rules <dir>', 'a rules folder (default: $PATCHCALL_RULES or the bundled rules/)')
    .action(async (options: RulesOptions, command: Command) => {
      const global = globalOptions(command);
      const loaded = await load(runtime, global, options);
      if (!loaded) return;
      const { folder, rulebook } = loaded;
      const ruleFiles = new Set(rulebook.rules.map((r) => r.file)).size;
      runtime.print(
        global,
        {
          ok: true,
          dir: folder.dir,
          digest: folder.digest,
          files: folder.files,
          rules: rulebook.rules.length,
          policy: rulebook.policy.file,
          deadlinePolicy: rulebook.policy.deadlinePolicy,
        },
        () =>
          `ok: ${rulebook.rules.length} rules in ${ruleFiles} files, policy ${rulebook.policy.deadlinePolicy} (${rulebook.policy.timezone}); ${folder.files.length} files checked in ${folder.dir}\n` +
          folder.files.map((f) => `  ${f.sha256.slice(0, 12)}  ${f.path}\n`).join('') +
          `  sha256 ${folder.digest} (all of them)\n`,
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
      const loaded = await load(runtime, global, options);
      if (!loaded) return;
      const results = await runCases(loaded.rulebook, cases);
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

/** A bad rules folder is the answer of `rules check`, not a crash: print the problems and exit 1. */
async function load(
  runtime: CliRuntime,
  global: { json?: boolean },
  options: RulesOptions,
): Promise<{ folder: RulesFolder; rulebook: Rulebook } | undefined> {
  const dir = options.rules ?? runtime.config.rulesDir ?? defaultRulesDir();
  try {
    const folder = RulesFolder.load(dir);
    return { folder, rulebook: await folder.rulebook() };
  } catch (error) {
    if (!(error instanceof RulebookError)) throw error;
    runtime.fail(1);
    if (global.json) runtime.io.stdout(JSON.stringify({ ok: false, dir, problems: error.problems }, null, 2) + '\n');
    runtime.io.stderr(
      `patchcall: the rules in ${dir} are not usable:\n${error.problems.map(formatProblem).join('\n')}\n`,
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
