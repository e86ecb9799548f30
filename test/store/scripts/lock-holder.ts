/** Takes the database's write lock and holds it for `ms` milliseconds, then lets go. */
import Database from 'better-sqlite3';

const [dbPath, ms] = process.argv.slice(2) as [string, string];
const db = new Database(dbPath);
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ms));
db.exec('COMMIT');
db.close();
process.stdout.write('released\n');
