/** Keeps the database open and reads it (no write lock) until `stop-file` exists: a process that is not the holder. */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

const [dbPath, stopFile] = process.argv.slice(2) as [string, string];
const db = new Database(dbPath, { readonly: true });
db.prepare('SELECT count(*) FROM events').get();
process.stdout.write('open\n');
while (!existsSync(stopFile)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
db.close();
