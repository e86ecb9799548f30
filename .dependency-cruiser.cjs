// Keeps the pipeline a functional core: stages never import the edges (store, slack, cli, app) or their
// libraries, and each stage imports only the stages before it.
const stages = ['bulletins', 'inventory', 'exposure', 'risk', 'decisions', 'audit'];
const edges = 'src/(store|slack|cli|app|http)/|src/config\\.ts';

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
