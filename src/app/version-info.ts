/** What `patchcall --version` reports: the package version, the newest schema this code knows, the rules digest. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../common/project-root';
import { formatProblem, RulebookError } from '../risk/rulebook-error';
import { readMigrations } from '../store/migrations';
import { defaultRulesDir, RulesFolder } from './rules-folder';

export interface VersionInfo {
  version: string;
  schemaVersion: number;
  rulesDir: string;
  /**
   * The rules folder's digest (every rules file, as `rules check` and each assessment record it), or undefined
   * when the folder cannot be read (the problems say why).
   */
  rulebookDigest?: string;
  rulebookProblems: string[];
}

/** Reads the rules folder only: no database is opened or created. */
export function versionInfo(rulesDir = defaultRulesDir()): VersionInfo {
  const root = projectRoot();
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const schemaVersion = readMigrations(join(root, 'db', 'migrations')).reduce((max, m) => Math.max(max, m.version), 0);
  try {
    return {
      version,
      schemaVersion,
      rulesDir,
      rulebookDigest: RulesFolder.load(rulesDir).digest,
      rulebookProblems: [],
    };
  } catch (error) {
    if (!(error instanceof RulebookError)) throw error;
    return { version, schemaVersion, rulesDir, rulebookProblems: error.problems.map((p) => formatProblem(p).trim()) };
  }
}
