/** Audit record files waiting for the outbox to upload them, by digest (db/migrations/011). */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

export function sha256Of(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** A file as stored, for copying it to another store (a replica's write sends it to PostgreSQL). */
export interface ExportFileRow {
  sha256: string;
  content: Buffer;
  createdAt: string;
}

export class ExportFilesStore {
  constructor(private readonly db: Database.Database) {}

  /** Keeps the content under its digest; call inside the transaction that appends the event naming it. */
  put(content: string, at: Date): string {
    const sha256 = sha256Of(content);
    this.db
      .prepare('INSERT INTO export_files (sha256, content, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
      .run(sha256, Buffer.from(content, 'utf8'), at.toISOString());
    return sha256;
  }

  /** The content, checked against its digest; undefined when it is missing or does not match. */
  get(sha256: string): string | undefined {
    const row = this.db.prepare('SELECT content FROM export_files WHERE sha256 = ?').get(sha256) as
      { content: Buffer } | undefined;
    const content = row?.content.toString('utf8');
    return content !== undefined && sha256Of(content) === sha256 ? content : undefined;
  }

  /** The rows stored under these digests (those present). */
  rows(sha256s: readonly string[]): ExportFileRow[] {
    const select = this.db.prepare(
      'SELECT sha256, content, created_at AS createdAt FROM export_files WHERE sha256 = ?',
    );
    return sha256s.flatMap((sha256) => {
      const row = select.get(sha256) as ExportFileRow | undefined;
      return row ? [row] : [];
    });
  }
}
