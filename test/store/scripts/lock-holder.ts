/** Takes the database's write lock and holds it for `ms` milliseconds, or until `stop-file` exists, then lets go. */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

const [dbPath, ms, stopFile] = process.argv.slice(2) as [string, string, string | undefined];
const db = new Database(dbPath);
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\n');
const until = Date.now() + Number(ms);
while (Date.now() < until && !(stopFile && existsSync(stopFile)))
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
db.exec('COMMIT');
db.close();
process.stdout.write('released\n');
