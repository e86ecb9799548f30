/** The bundled seed (db/seed) imported into a new SQLite file: the demo's estate, a starting log to copy anywhere. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openAppContext } from '../../src/app/app-context';
import { importDocuments } from '../../src/app/import-documents';
import { readDocumentFile } from '../../src/app/read-document';
import { projectRoot } from '../../src/common/project-root';
import { tempDbPath } from './run-patchcall';

export function seededDatabase(): string {
  const dbPath = tempDbPath();
  const ctx = openAppContext({ dbPath });
  const dir = join(projectRoot(), 'db', 'seed');
  for (const file of readdirSync(dir)
    .filter((f) => !f.startsWith('.') && !f.endsWith('.md'))
    .sort())
    importDocuments(ctx, [readDocumentFile(join(dir, file))], { actor: 'test' });
  ctx.close();
  return dbPath;
}
