/** What `patchcall --version` reports: the package version, the newest schema this code knows, the rulebook digest. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../common/project-root';
import { readMigrations } from '../store/migrations';
import { readRulebookSource } from './load-rulebook';
import { defaultRulesDir } from './rules-data';
import { RulebookError } from '../risk/rulebook-error';

export interface VersionInfo {
  version: string;
  schemaVersion: number;
  rulesDir: string;
  /** sha256 of the rulebook files, or undefined when the rulebook cannot be read (the problems say why). */
  rulebookDigest?: string;
  rulebookProblems: string[];
}

export function versionInfo(rulesDir = defaultRulesDir()): VersionInfo {
  const root = projectRoot();
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const schemaVersion = readMigrations(join(root, 'db', 'migrations')).reduce((max, m) => Math.max(max, m.version), 0);
  try {
    return {
      version,
      schemaVersion,
      rulesDir,
      rulebookDigest: readRulebookSource(rulesDir).digest,
      rulebookProblems: [],
    };
  } catch (error) {
    if (!(error instanceof RulebookError)) throw error;
    return { version, schemaVersion, rulesDir, rulebookProblems: error.problems.map((p) => `${p.file}: ${p.problem}`) };
  }
}
