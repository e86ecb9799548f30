/**
 * `npm run demo`: the MS08-067 story offline, on the bundled example in db/seed and a fresh SQLite file.
 * Each step is a real `patchcall` command, printed before it runs, so the reader can repeat it.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { projectRoot } from '../common/project-root';
import { runCli } from './run-cli';

async function step(title: string, args: string[], dbPath: string): Promise<void> {
  process.stdout.write(`\n=== ${title}\n$ patchcall ${args.join(' ')}\n`);
  const code = await runCli(['--db', dbPath, ...args], {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    interactive: false,
    env: process.env,
    user: 'demo',
  });
  if (code !== 0) throw new Error(`step "${title}" failed with exit code ${code}`);
}

async function main(): Promise<void> {
  const root = projectRoot();
  const seedDir = join(root, 'db', 'seed');
  const dbPath = join(mkdtempSync(join(tmpdir(), 'patchcall-demo-')), 'patchcall.db');
  const seeds = readdirSync(seedDir)
    .filter((f) => !f.startsWith('.') && !f.endsWith('.md'))
    .sort()
    .map((f) => relative(process.cwd(), join(seedDir, f)));
  process.stdout.write(`patchcall demo: MS08-067 (CVE-2008-4250), released out of band on Thursday 2008-10-23.\nDatabase: ${dbPath}\n`);
  await step('A bulletin arrives: import the bundled example', ['import', ...seeds], dbPath);
  await step('What we know about it, merged from every source', ['bulletin', 'show', 'MS08-067'], dbPath);
  await step('Everything above is in the tamper-evident log', ['audit', 'verify'], dbPath);
}

main().catch((error: Error) => {
  process.stderr.write(`demo failed: ${error.message}\n`);
  process.exitCode = 1;
});
