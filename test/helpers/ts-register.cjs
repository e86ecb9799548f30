/**
 * Lets a child process run the TypeScript sources directly (`node -r ./test/helpers/ts-register.cjs src/cli/main.ts`),
 * so process-level tests exercise the code under test rather than a possibly stale dist/. Each module is transpiled
 * once (isolatedModules makes that safe) and cached on disk by content hash.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, writeFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
const process = require('node:process');

const cacheDir = join(tmpdir(), 'patchcall-ts-register');
mkdirSync(cacheDir, { recursive: true });

require.extensions['.ts'] = function compile(module, filename) {
  const source = readFileSync(filename, 'utf8');
  const key = createHash('sha256').update(filename).update('\0').update(source).digest('hex');
  const cached = join(cacheDir, key + '.js');
  let output;
  if (existsSync(cached)) output = readFileSync(cached, 'utf8');
  else {
    // loaded only on a cache miss: requiring the compiler costs more than running most commands
    const ts = require('typescript');
    output = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        resolveJsonModule: true,
      },
    }).outputText;
    writeFileSync(cached + '.' + process.pid, output);
    require('node:fs').renameSync(cached + '.' + process.pid, cached);
  }
  module._compile(output, filename);
};
