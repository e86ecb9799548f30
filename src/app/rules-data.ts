/** Loads the organization-editable data in rules/ (or PATCHCALL_RULES) and validates it before use. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PatchcallError } from '../common/errors';
import { projectRoot } from '../common/project-root';
import { validateCalendars, type ReleaseCalendars } from '../bulletins/release-cycle';
import { loadNameTable } from '../inventory/name-table';

export function defaultRulesDir(): string {
  return join(projectRoot(), 'rules');
}

export function loadRulesJson(rulesDir: string, file: string): unknown {
  const path = join(rulesDir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PatchcallError(
      'CONFIG',
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PatchcallError('CONFIG', `${path}: invalid JSON: ${(error as Error).message}`);
  }
}

export function loadReleaseCalendars(rulesDir: string): ReleaseCalendars {
  const file = 'release-calendars.json';
  try {
    return validateCalendars(loadRulesJson(rulesDir, file), join(rulesDir, file));
  } catch (error) {
    if (error instanceof PatchcallError) throw error;
    throw new PatchcallError('CONFIG', (error as Error).message);
  }
}

/** Reads and validates the rules folder's name tables (rules/names/*.json), when it has them. */
export function checkNameTables(rulesDir: string): void {
  if (existsSync(join(rulesDir, 'names'))) loadNameTable(rulesDir);
}
