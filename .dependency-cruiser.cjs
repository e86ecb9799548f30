// Keeps the pipeline a functional core: stages never import the edges (store, slack, cli, app) or their
// libraries, and each stage imports only the stages before it. src/app is the application boundary: the only
// door to the store, and free of Slack, HTTP and the CLI. dev/ holds the tools (demo, Slack stand-in) the product
// never imports.
const stages = ['bulletins', 'inventory', 'exposure', 'risk', 'decisions', 'audit'];
const edges = 'src/(store|slack|cli|app|http|logging)/|src/config\\.ts';
/** The adapters people and systems talk to: they call use cases in src/app and nothing below them. */
const adapters = '^src/(slack|cli|http)/|^src/config\\.ts$|^dev/';

const forbidden = [
  {
    name: 'core-imports-edge',
    comment: 'pipeline stages and common/ are plain data-in, data-out modules',
    severity: 'error',
    from: { path: `^src/(${stages.join('|')}|common)/` },
    to: { path: `^(${edges})` },
  },
  {
    name: 'core-imports-io-library',
    comment: 'Slack, SQLite, HTTP and logging belong to the edges',
    severity: 'error',
    from: { path: `^src/(${stages.join('|')}|common)/` },
    to: { path: 'node_modules/(@slack|better-sqlite3|pino)' },
  },
  {
    name: 'common-imports-stage',
    severity: 'error',
    from: { path: '^src/common/' },
    to: { path: `^src/(${stages.join('|')})/` },
  },
  ...stages.map((stage, i) => ({
    name: `${stage}-imports-later-stage`,
    comment: `${stage} may use only the stages before it`,
    severity: 'error',
    from: { path: `^src/${stage}/` },
    to: { path: `^src/(${stages.slice(i + 1).join('|') || 'NONE'})/` },
  })),
  {
    name: 'only-app-imports-store',
    comment: 'the store (SQLite, the event log) is reached through the use cases in src/app only',
    severity: 'error',
    from: { pathNot: '^src/(app|store)/' },
    to: { path: '^src/store/' },
  },
  {
    name: 'adapter-opens-app-context',
    comment: 'edges hold a Patchcall (src/app/patchcall.ts), never the context with the database and the log',
    severity: 'error',
    from: { path: adapters },
    to: { path: '^src/app/app-context\\.ts$' },
  },
  {
    name: 'adapter-imports-pipeline-value',
    comment:
      'edges reach the pipeline through src/app (the Patchcall object, use cases, src/app/contract.ts); they may name its types',
    severity: 'error',
    from: { path: adapters },
    to: { path: `^src/(${stages.join('|')})/`, dependencyTypesNot: ['type-only'] },
  },
  {
    name: 'app-imports-adapter',
    comment: 'use cases take ports for the outside world; Slack, HTTP, the CLI and logging stay at the edge',
    severity: 'error',
    from: { path: '^src/app/' },
    to: { path: ['^src/(slack|cli|http|logging)/', 'node_modules/(@slack|pino)'] },
  },
  {
    name: 'product-imports-dev-tool',
    comment: 'the demo and the Slack stand-in are tools, not part of the product',
    severity: 'error',
    from: { path: '^src/' },
    to: { path: '^dev/' },
  },
  {
    name: 'logging-outside-edges',
    comment: 'pino is an edge library: only src/logging uses it directly',
    severity: 'error',
    from: { pathNot: '^src/logging/' },
    to: { path: 'node_modules/pino' },
  },
  { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
];

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
