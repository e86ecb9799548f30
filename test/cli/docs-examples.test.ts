/**
 * Every shell example in the README and docs/ runs, block by block, against a fresh database in a fresh folder,
 * with `patchcall` (and `npx patchcall`) being the built CLI. A block that cannot run here (it needs Slack, a
 * network or your own files) says so in its info string: ```sh no-run.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BUILT_CLI } from '../helpers/spawn-patchcall';

const ROOT = join(__dirname, '..', '..');

interface Example {
  file: string;
  line: number;
  script: string;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? markdownFiles(join(dir, entry.name))
      : entry.name.endsWith('.md')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** ```sh, ```bash and ```shell blocks; `no-run` after the language skips one. */
export function shellExamples(file: string): { runnable: Example[]; skipped: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const runnable: Example[] = [];
  let skipped = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(sh|bash|shell)\b(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    if (/\bno-run\b/.test(open[2]!)) skipped++;
    else runnable.push({ file: relative(ROOT, file), line: start + 1, script: body.join('\n') });
  }
  return { runnable, skipped };
}

const files = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];
const examples = files.flatMap((file) => shellExamples(file).runnable);

/** A folder that looks like the repository to relative paths (db/, rules/, test/) but keeps what it writes. */
function sandbox(): { cwd: string; bin: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'patchcall-docs-'));
  for (const dir of ['db', 'rules', 'test', 'manifest.yml']) symlinkSync(join(ROOT, dir), join(cwd, dir));
  const bin = join(cwd, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'patchcall'), `#!/bin/sh\nexec "${process.execPath}" "${BUILT_CLI}" "$@"\n`);
  chmodSync(join(bin, 'patchcall'), 0o755);
  return { cwd, bin };
}

describe('shell examples in the README and docs/', () => {
  it('finds examples in every document that has any, and explicit no-run marks for the rest', () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
    expect(examples.map((e) => e.file)).toEqual(expect.arrayContaining(['README.md', 'docs/README.md']));
    const readme = shellExamples(join(ROOT, 'README.md'));
    expect(readme.skipped).toBeGreaterThanOrEqual(1); // `npm ci && npm run demo` would reinstall the repository
  });

  it.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))('%s runs', (_where, example) => {
    const { cwd, bin } = sandbox();
    const script = example.script.replace(/\bnpx patchcall\b/g, 'patchcall');
    const result = spawnSync('bash', ['-eo', 'pipefail', '-c', script], {
      cwd,
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: cwd,
        PATCHCALL_DB: join(cwd, 'fresh.db'),
        NO_COLOR: '1',
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.status !== 0)
      throw new Error(
        `${example.file}:${example.line} exited ${result.status}\n${script}\n--- stderr:\n${result.stderr}`,
      );
    expect(result.stderr).not.toMatch(/^patchcall: /m);
  });
});
