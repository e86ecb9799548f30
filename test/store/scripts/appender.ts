/** Appends one event every `interval` ms until `stop-file` exists, as the Slack app does while people click. */
import { existsSync } from 'node:fs';
import { openAppContext } from '../../../src/app/app-context';

const [dbPath, interval, stopFile] = process.argv.slice(2) as [string, string, string];
const ctx = openAppContext({ dbPath, mustExist: true });
let appended = 0;
let failed = 0;
process.stdout.write('started\n');
const timer = setInterval(() => {
  try {
    ctx.events.append({ type: 'test.click', stream: 'test:clicks', actor: 'U0TEST', payload: { n: appended } });
    appended++;
  } catch (error) {
    failed++;
    process.stderr.write(`append failed: ${(error as Error).message}\n`);
  }
  if (existsSync(stopFile)) {
    clearInterval(timer);
    ctx.close();
    process.stdout.write(`appended ${appended} failed ${failed}\n`);
    process.exitCode = failed ? 1 : 0;
  }
}, Number(interval));
