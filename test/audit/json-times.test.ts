/**
 * JSON carries ISO 8601 UTC with `Z`: the demo decision (played by `npm run demo` against a kept database, in an
 * organization zone of Europe/Berlin) read back through every JSON output — assess, assets, exposure, decisions,
 * decision show, the exported record with its chained events — and every string that holds a time of day must end
 * in `Z`. A time written with the organization's offset (`…T20:30:00+02:00`) is the right instant in the wrong form.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';
import { startScript } from '../helpers/spawn-patchcall';

const DEMO = join(__dirname, '../../dev/demo.ts');
const TIME_OF_DAY = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

/** Every time-like string in a JSON value, with its JSON pointer. */
function timesIn(value: unknown, pointer = ''): { pointer: string; value: string }[] {
  if (typeof value === 'string') return TIME_OF_DAY.test(value) ? [{ pointer, value }] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => timesIn(item, `${pointer}/${i}`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => timesIn(item, `${pointer}/${key}`));
  return [];
}

describe('JSON outputs of the demo decision carry UTC with Z', () => {
  const db = tempDbPath();
  const outputs: Record<string, unknown> = {};

  beforeAll(async () => {
    const demo = await startScript(DEMO, [], { env: { PATCHCALL_DB: db }, timeoutMs: 120_000 }).done;
    if (demo.code !== 0) throw new Error(`the demo failed: ${demo.stderr || demo.stdout}`);
    const json = async (...args: string[]) => {
      const result = await patchcall(['--db', db, '--json', ...args]);
      if (result.code !== 0) throw new Error(`${args.join(' ')}: ${result.stderr}`);
      return result.json();
    };
    outputs['assess --json'] = await json('assess', 'MS08-067');
    outputs['assets --json'] = await json('assets', '--bulletin', 'MS08-067');
    outputs['exposure --json'] = await json('exposure', 'MS08-067');
    outputs['decisions --json'] = await json('decisions');
    outputs['decision show --json'] = await json('decision', 'show', 'MS08-067');
    // a vendor's advisory with its own offsets (BSI writes +01:00): the bulletin as imported, read back
    const csaf = await patchcall(['--db', db, 'import', join(__dirname, '../fixtures/csaf/bsi-2022-0001.json')]);
    if (csaf.code !== 0) throw new Error(`import the BSI advisory: ${csaf.stderr}`);
    outputs['bulletin show --json'] = await json('bulletin', 'show', 'BSI-2022-0001');
    const folder = join(dirname(db), 'records');
    const exported = await patchcall(['--db', db, 'export', '--all', '--out', folder, '--format', 'json']);
    if (exported.code !== 0) throw new Error(`export --all: ${exported.stderr}`);
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.json')))
      outputs[`export ${file}`] = JSON.parse(readFileSync(join(folder, file), 'utf8'));
  }, 180_000);

  it('finds the times it checks: deadlines, plan steps, the assessment time, event times, the chain', () => {
    const all = Object.values(outputs).flatMap((output) => timesIn(output));
    const pointers = all.map((t) => t.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/summary/deadline/dueAt', '/assessedAt', '/deadline/dueAt']));
    expect(pointers.some((p) => /^\/chain\/links\/\d+\/payload\/assessment\/plan\/\d+\/dueAt$/.test(p))).toBe(true);
    expect(pointers.some((p) => /^\/chain\/links\/\d+\/at$/.test(p))).toBe(true);
    expect(Object.keys(outputs).filter((name) => name.startsWith('export '))).toHaveLength(1);
  });

  it.each([
    'assess --json',
    'assets --json',
    'exposure --json',
    'decisions --json',
    'decision show --json',
    'bulletin show --json',
    'export',
  ])('%s: every time ends in Z', (name) => {
    const checked = Object.entries(outputs).filter(([key]) => key.startsWith(name));
    expect(checked.length).toBeGreaterThan(0);
    const offsets = checked.flatMap(([key, output]) =>
      timesIn(output)
        .filter((t) => !t.value.endsWith('Z'))
        .map((t) => `${key} ${t.pointer}: ${t.value}`),
    );
    expect(offsets).toEqual([]);
  });
});
