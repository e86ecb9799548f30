/** `patchcall rules check [--rules <dir>]` and `patchcall rules test <cases.json> [--rules <dir>]`. */
import type { Command } from 'commander';
import { checkRules, testRuleCases, type RulesCheck } from '../../app/check-rules';
import { defaultRulesDir } from '../../app/rules-folder';
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
      const check = await checkRules(rulesDir(runtime, options));
      if (!check.ok) return reportUnusable(runtime, global, check);
      const { folder, rulebook } = check;
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
      const run = await testRuleCases(file, rulesDir(runtime, options));
      if (!run.ok) return reportUnusable(runtime, global, run);
      const { results } = run;
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

function rulesDir(runtime: CliRuntime, options: RulesOptions): string {
  return options.rules ?? runtime.config.rulesDir ?? defaultRulesDir();
}

/** A bad rules folder is the answer of `rules check`, not a crash: print the problems and exit 1. */
function reportUnusable(
  runtime: CliRuntime,
  global: { json?: boolean },
  { dir, problems, lines }: Extract<RulesCheck, { ok: false }>,
): void {
  runtime.fail(1);
  if (global.json) runtime.io.stdout(JSON.stringify({ ok: false, dir, problems }, null, 2) + '\n');
  runtime.io.stderr(`patchcall: the rules in ${dir} are not usable:\n${lines.join('\n')}\n`);
}
