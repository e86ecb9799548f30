/** Audit record files shared by the replicas (db/migrations/postgres/011_export_files.sql), by digest. */
import type pg from 'pg';
import { sha256Of, type ExportFileRow } from '../export-files-store';

/** Inserts the files an appending transaction's events name; a digest already present is the same content. */
export async function insertExportFiles(client: pg.ClientBase, files: readonly ExportFileRow[]): Promise<void> {
  if (files.length === 0) return;
  await client.query(
    `INSERT INTO export_files (sha256, content, created_at)
     SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[]) ON CONFLICT (sha256) DO NOTHING`,
    [files.map((f) => f.sha256), files.map((f) => f.content), files.map((f) => f.createdAt)],
  );
}

/** The content, checked against its digest; undefined when it is missing or does not match. */
export async function readExportFile(pool: pg.Pool, sha256: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ content: Buffer }>('SELECT content FROM export_files WHERE sha256 = $1', [
    sha256,
  ]);
  const content = rows[0]?.content.toString('utf8');
  return content !== undefined && sha256Of(content) === sha256 ? content : undefined;
}
