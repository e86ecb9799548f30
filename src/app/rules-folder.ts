/**
 * The rules folder (rules/ or $PATCHCALL_RULES), read once: every registered file (./rules-files.ts) is read,
 * checked against its JSON Schema, parsed, and fingerprinted. One digest covers every file that can change an
 * outcome; each file keeps its own. A long-running app swaps in a new folder on change (LiveRulesFolder), and only
 * when the new one is whole: a bad edit leaves the working rules in place and says what is wrong.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { join, posix } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { parse as parseCsv } from 'csv-parse/sync';
import { InputError } from '../common/errors';
import { assertValid, createValidator } from '../common/json-schema';
import { parseJsonText } from '../common/parse-json';
import { parseYamlText } from '../common/parse-yaml';
import { projectRoot } from '../common/project-root';
import type { Rulebook } from '../risk/rulebook';
import { RulebookError, type RulebookProblem } from '../risk/rulebook-error';
import { assembleRulebook } from '../risk/validate-rulebook';
import { RULES_FILES, type RulesDocument, type RulesEntry } from './rules-files';

export type RulesRegistry = Record<string, RulesEntry<unknown>>;

/** A file the folder was built from, with its own digest (for the audit record). */
export interface RulesFile {
  /** Relative to the rules folder, with "/" separators. */
  path: string;
  sha256: string;
}

export function defaultRulesDir(): string {
  return join(projectRoot(), 'rules');
}

export class RulesFolder<R extends RulesRegistry = typeof RULES_FILES> {
  private rulebookPromise: Promise<Rulebook> | undefined;

  private constructor(
    readonly dir: string,
    /** sha256 over every registered file's path and digest. */
    readonly digest: string,
    /** Every file read, sorted by path. */
    readonly files: RulesFile[],
    private readonly data: { [K in keyof R]: ReturnType<R[K]['parse']> },
  ) {}

  /** Reads and checks every registered file; a RulebookError (code CONFIG) lists every problem in every file. */
  static load(dir?: string): RulesFolder;
  static load<T extends RulesRegistry>(dir: string, registry: T): RulesFolder<T>;
  static load(dir: string = defaultRulesDir(), registry: RulesRegistry = RULES_FILES): RulesFolder<RulesRegistry> {
    const problems: RulebookProblem[] = [];
    const files: RulesFile[] = [];
    const data: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(registry)) {
      const before = problems.length;
      const documents: RulesDocument[] = [];
      for (const path of matchingFiles(dir, entry, problems)) {
        const file = join(dir, path);
        const document = readDocument(file, path, problems, files);
        if (
          document &&
          collect(problems, file, () =>
            assertValid(schemaValidator(entry.schema), document.value, file, entry.schema),
          ) !== undefined
        )
          documents.push(document);
      }
      if (problems.length > before) continue;
      const parsed = collect(problems, join(dir, entry.file), () => ({ value: entry.parse(documents) }));
      if (parsed) data[key] = parsed.value;
    }
    if (problems.length) throw new RulebookError(problems);
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return new RulesFolder(dir, folderDigest(files), files, data);
  }

  get<K extends keyof R>(key: K): ReturnType<R[K]['parse']> {
    return this.data[key];
  }

  /**
   * The rulebook (rules, policy and Human Impact table), checked across files and over every input combination
   * once per folder. Only for a folder loaded with the standard registry.
   */
  rulebook(): Promise<Rulebook> {
    const folder = this as unknown as RulesFolder;
    return (this.rulebookPromise ??= assembleRulebook({
      dir: this.dir,
      digest: this.digest,
      rules: folder.get('rulebook').flat(),
      policy: folder.get('policy'),
      humanImpact: folder.get('humanImpact'),
    }));
  }
}

/** The outcome of a reload: whether the rules changed, and why a changed folder was refused. */
export interface RulesReload {
  changed: boolean;
  digest: string;
  error?: RulebookError;
}

/** The current rules of a long-running process, re-read on request or on change. */
export class LiveRulesFolder {
  private folder: RulesFolder;

  constructor(readonly dir: string = defaultRulesDir()) {
    this.folder = RulesFolder.load(dir);
  }

  get current(): RulesFolder {
    return this.folder;
  }

  /** Re-reads the folder; swaps it in only when it loads and its rulebook holds together. */
  async reload(): Promise<RulesReload> {
    let next: RulesFolder;
    try {
      next = RulesFolder.load(this.dir);
      if (next.digest === this.folder.digest) return { changed: false, digest: this.folder.digest };
      await next.rulebook();
    } catch (error) {
      if (!(error instanceof RulebookError)) throw error;
      return { changed: false, digest: this.folder.digest, error };
    }
    this.folder = next;
    return { changed: true, digest: next.digest };
  }

  /**
   * Reloads after changes in the folder settle (editors write a file in several steps), and tells `onReload`.
   * Returns the watcher; close it to stop.
   */
  watch(onReload: (result: RulesReload) => void, settleMs = 300): FSWatcher {
    let timer: NodeJS.Timeout | undefined;
    const watcher = watch(this.dir, { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.reload().then(onReload), settleMs);
    });
    watcher.on('close', () => clearTimeout(timer));
    return watcher;
  }
}

/** The files an entry names: the file itself, or a pattern's matches in name order. */
function matchingFiles(dir: string, entry: RulesEntry<unknown>, problems: RulebookProblem[]): string[] {
  const star = entry.file.lastIndexOf('*');
  if (star < 0) {
    if (entry.optional && !existsSync(join(dir, entry.file))) return [];
    return [entry.file];
  }
  const folder = posix.dirname(entry.file);
  const names = existsSync(join(dir, folder)) ? readdirSync(join(dir, folder)).sort() : [];
  const found = names.map((name) => posix.join(folder, name)).filter((path) => matches(entry.file, path));
  if (!found.length && !entry.optional)
    problems.push({ file: join(dir, folder), problem: `no file matches ${entry.file}` });
  return found;
}

function matches(pattern: string, path: string): boolean {
  const star = pattern.lastIndexOf('*');
  if (star < 0) return pattern === path;
  const [prefix, suffix] = [pattern.slice(0, star), pattern.slice(star + 1)];
  const middle = path.slice(prefix.length, path.length - suffix.length);
  return path.startsWith(prefix) && path.endsWith(suffix) && middle.length > 0 && !middle.includes('/');
}

function readDocument(
  file: string,
  path: string,
  problems: RulebookProblem[],
  files: RulesFile[],
): RulesDocument | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    problems.push({ file, problem: `cannot read: ${code}` });
    return undefined;
  }
  files.push({ path, sha256: createHash('sha256').update(bytes).digest('hex') });
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  return collect(problems, file, () => ({ path, file, value: parseText(file, text) }));
}

function parseText(file: string, text: string): unknown {
  if (file.endsWith('.json')) return parseJsonText(file, text);
  if (/\.ya?ml$/.test(file)) return parseYamlText(file, text);
  if (file.endsWith('.csv')) {
    try {
      return parseCsv(text, { columns: true, skip_empty_lines: true, trim: true });
    } catch (error) {
      throw new InputError(file, `invalid CSV: ${(error as Error).message}`);
    }
  }
  throw new InputError(file, 'a rules file must be .json, .yaml, .yml or .csv');
}

/** The one path from any error a rules file causes to a problem naming the file and the place. */
function collect<T>(problems: RulebookProblem[], file: string, run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    if (error instanceof RulebookError) problems.push(...error.problems);
    else if (error instanceof InputError)
      problems.push({
        file: error.file,
        ...(error.place.line !== undefined ? { line: error.place.line } : {}),
        ...(error.place.column !== undefined ? { column: error.place.column } : {}),
        ...(error.place.pointer !== undefined ? { pointer: error.place.pointer } : {}),
        problem: error.problem,
      });
    else if (error instanceof Error) problems.push({ file, problem: withoutFilePrefix(error.message, file) });
    else throw error;
    return undefined;
  }
}

/** Older validators put the file name first in their messages; the problem names it already. */
function withoutFilePrefix(message: string, file: string): string {
  return message.startsWith(file) ? message.slice(file.length).replace(/^:?\s*/, '') : message;
}

function folderDigest(files: RulesFile[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.path}\0${f.sha256}\n`);
  return hash.digest('hex');
}

const validators = new Map<string, ValidateFunction>();

/** Schemas are the bundled ones, whichever folder is read: a copied rules folder cannot loosen them. */
function schemaValidator(name: string): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    const path = join(projectRoot(), 'rules', 'schemas', `${name}.schema.json`);
    validators.set(name, (validate = createValidator(parseJsonText(path, readFileSync(path, 'utf8')) as object)));
  }
  return validate;
}
