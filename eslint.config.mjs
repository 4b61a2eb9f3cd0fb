// Lint: the layer boundaries of DESIGN.md §1 as rules (README "Architecture"), plus a small set of checks the code
// already passes. Style is left to the reviewers; these rules exist so that a boundary is enforced, not remembered.
import tseslint from 'typescript-eslint';

// why: no-restricted-imports matches the import specifier as written (not the resolved file), so each pattern names
// the folder as it appears in a relative path ('../../db/store'); the folder names below are unique in src/.
/** Boundary patterns, one per promise of DESIGN §1; every message says which promise and where the code belongs. */
const B = {
  knex: { regex: '^knex(/.*)?$', message: 'knex only under src/db (DESIGN §1): reach the database through the Store and its repositories.' },
  http: {
    regex: '^(express|soap|busboy)(/.*)?$',
    message: 'express, node-soap and request body parsers only under src/transport (and src/app.ts, src/main.ts) (DESIGN §1).',
  },
  transportDb: { regex: '(^|/)db(/|$)', message: 'transport never imports src/db (DESIGN §1): call a service.' },
  servicesSql: {
    regex: '(^|/)db/(?!store$|repos/)',
    message: 'services never build SQL (DESIGN §1): use repositories through the Store (db/store, db/repos/*); SQL helpers stay in src/db.',
  },
  domainUp: { regex: '^\\.\\./(?!lib(/|$))', message: 'domain imports nothing of ours above it: only src/domain and src/lib (DESIGN §1).' },
  libUp: { regex: '^\\.\\./', message: 'lib is the bottom layer: it imports nothing else of ours (DESIGN §1).' },
  jobsDb: { regex: '(^|/)(db|transport)(/|$)', message: 'jobs call services, never src/db or src/transport (DESIGN §1).' },
  plumbing: {
    regex: '(^|/)(soap|rest|status)(/|$)',
    message: 'transport/http and transport/xml serve every API: they never import one (soap, rest, status).',
  },
  soapRest: { regex: '(^|/)rest(/|$)', message: 'SOAP never imports the REST transport: share through transport/http, transport/xml or a service.' },
  v1ToV2: { regex: '(^|/)v2(/|$)', message: 'the v1 SOAP adapter never imports v2 (DESIGN §1): share through soap/shared or a service.' },
  v2ToV1: { regex: '(^|/)v1(/|$)', message: 'the v2 SOAP adapter never imports v1 (DESIGN §1): share through soap/shared or a service.' },
};

/** One zone of src/ and every boundary that applies in it (a later zone replaces an earlier one's list for its files). */
const zone = (files, ...patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', '.bench-tmp/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    // why: files carry disable comments for rules left off here (no-explicit-any); they are not errors.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      // why: off rather than mass-edited: `any` marks the few untyped seams (driver results, node-soap) on purpose,
      // `const self = this` feeds callbacks that get their own `this`, and a `let` read by an early signal handler
      // before its one assignment is not a const.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-this-alias': 'off',
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // why: chai assertions are property reads (`expect(x).to.be.true`).
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  // Layer boundaries (DESIGN §1), general zones first.
  zone(['src/**/*.ts'], B.knex, B.http),
  zone(['src/app.ts', 'src/main.ts'], B.knex),
  zone(['src/db/**/*.ts'], B.http),
  zone(['src/domain/**/*.ts'], B.domainUp, B.knex, B.http),
  zone(['src/lib/**/*.ts'], B.libUp, B.knex, B.http),
  zone(['src/services/**/*.ts'], B.servicesSql, B.knex, B.http),
  zone(['src/jobs/**/*.ts'], B.jobsDb, B.knex, B.http),
  zone(['src/transport/**/*.ts'], B.transportDb, B.knex),
  zone(['src/transport/http/**/*.ts', 'src/transport/xml/**/*.ts'], B.plumbing, B.transportDb, B.knex),
  zone(['src/transport/soap/**/*.ts'], B.soapRest, B.transportDb, B.knex),
  zone(['src/transport/soap/v1/**/*.ts'], B.v1ToV2, B.soapRest, B.transportDb, B.knex),
  zone(['src/transport/soap/v2/**/*.ts'], B.v2ToV1, B.soapRest, B.transportDb, B.knex),
);
