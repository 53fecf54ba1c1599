/*
 * The layout's import rules (README "How it is built"), checked by dependency-cruiser in `npm test`
 * (`npm run depcheck`). Type-only imports count: a cycle of types is still a cycle to read.
 *
 * - no cycles at all;
 * - a workflow (handlers/<w>/) uses another only through its public module, handlers/<other>/api.ts;
 *   where one extends another, it adds to an extension point (src/core/extensions.ts) instead;
 * - src/ reaches workflows only in the composition, src/workflows.ts;
 * - schedules/<w>.ts is the jobs of workflow <w>: it imports that workflow, never another;
 * - no chat SDK under handlers/ or schedules/: they talk through src/core.
 */
const SDK = '(^|/)node_modules/(wechaty[^/]*|@larksuiteoapi/[^/]+)/|^(wechaty[^/]*|@larksuiteoapi/[^/]+)$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Nothing imports itself back, not even through types.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'workflow-api-only',
      severity: 'error',
      comment: "A workflow imports another only through handlers/<other>/api.ts; the rest of a workflow's folder is private.",
      from: { path: '^handlers/([^/]+)/' },
      to: { path: '^handlers/', pathNot: ['^handlers/$1/', '^handlers/[^/]+/api\\.ts$'] },
    },
    {
      name: 'composition-only',
      severity: 'error',
      comment: 'Only src/workflows.ts (the composition) imports workflows and their jobs; the rest of src/ gets them from it.',
      from: { path: '^src/', pathNot: '^src/workflows\\.ts$' },
      to: { path: '^(handlers|schedules)/' },
    },
    {
      name: 'handlers-not-schedules',
      severity: 'error',
      comment: 'Jobs call handlers, never the other way round (the composition pairs them).',
      from: { path: '^handlers/' },
      to: { path: '^schedules/' },
    },
    {
      name: 'schedules-own-workflow',
      severity: 'error',
      comment: "schedules/<w>.ts holds the jobs of workflow <w>: it imports that workflow's files and src/core, not another workflow.",
      from: { path: '^schedules/([^/.]+)\\.ts$' },
      to: { path: '^(handlers|schedules)/', pathNot: ['^handlers/$1/', '^schedules/$1\\.ts$'] },
    },
    {
      name: 'workflows-use-the-kit',
      severity: 'error',
      comment: 'Workflows and jobs build on src/core, src/models and src/roster (and the Config type); never on the bot, its channels or the composition.',
      from: { path: '^(handlers|schedules)/' },
      to: { path: '^src/', pathNot: ['^src/(core|models|roster)/', '^src/config\\.ts$'] },
    },
    {
      name: 'resolvable',
      severity: 'error',
      comment: 'Every import resolves (else the rules above could not see where it goes).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-sdk-in-workflows',
      severity: 'error',
      comment: 'handlers/ and schedules/ never import a chat SDK: they speak through the context and the outbox.',
      from: { path: '^(handlers|schedules)/' },
      to: { path: SDK },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    // resolve packages the way Node's ESM loader does (wechaty has only an `exports` map)
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'], mainFields: ['module', 'main'] },
    // the SDK rule needs the packages' own paths, not just their names
    combinedDependencies: false,
  },
};
