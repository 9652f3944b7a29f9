/**
 * The import boundaries (STYLE: "a dependency-rule check in CI says so"),
 * checked by `test/boundaries.spec.ts` on every `npm test`:
 * protocol ← connector-kit ← connectors; protocol ← client; packages never
 * import the hub; a partner connector reaches the hub only through the kit,
 * never the database, never another connector; store-and-forward (src/outbox/)
 * imports neither payments nor advices; the operations table (src/operations/)
 * imports no feature; and the top-level folders of src/ are
 * layered (SRC_LAYERS): each imports only folders below it, so no two folders
 * import each other, directly or round a longer loop.
 */

/*
 * The top-level folders of src/, lowest first (docs/decisions.md, "The hub's
 * folders are layered"). A folder's code imports only folders listed before it; the
 * files at the root of src/ (main.ts, app.module.ts, create-app.ts) assemble
 * the hub and may import any. Specs are exempt: nothing imports a spec, so a
 * spec closes no loop. A new folder gets its place here, or every import of it
 * fails `src-folder-has-a-layer`.
 */
const SRC_LAYERS = [
  // The shared kernel: knows no feature.
  'runtime',
  'clock',
  'errors',
  'operations',
  'common',
  'config',
  'persistence',
  // What the features stand on.
  'auth',
  'tls',
  'audit',
  'instances',
  'partners',
  'outbox',
  'retention',
  // The features: the payment lifecycle, then the messages that drive it.
  'qr-codes',
  'lifecycle',
  'scans',
  'advices',
  'payments',
  // The hub's composition and its views of the features.
  'store',
  'health',
  'metrics',
  'admin',
  'docs',
];

/*
 * Imports against the layering that a change under way removes (delete each
 * line with it): [from, to] pairs of folders. None today.
 */
const PENDING_CYCLES = [];

const folders = (names) => `^src/(${names.join('|')})/`;

const layerRules = SRC_LAYERS.flatMap((folder, i) => {
  const above = SRC_LAYERS.slice(i + 1).filter(
    (higher) => !PENDING_CYCLES.some(([from, to]) => from === folder && to === higher),
  );
  if (above.length === 0) return [];
  return {
    name: 'src-folders-import-only-lower-layers',
    comment: `src/${folder}/ imports only the folders listed before it in SRC_LAYERS: a folder that also imported it back would make a cycle.`,
    severity: 'error',
    from: { path: `^src/${folder}/`, pathNot: '\\.spec\\.ts$' },
    to: { path: folders(above) },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'packages-never-import-the-hub',
      comment: 'packages/* are installed without the hub: they may not reach into src/.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^src/' },
    },
    {
      name: 'protocol-imports-no-other-package',
      comment: 'packages/protocol is the bottom layer: it imports no other package of this repository.',
      severity: 'error',
      from: { path: '^packages/protocol/' },
      to: { path: '^packages/', pathNot: '^packages/protocol/' },
    },
    {
      name: 'client-imports-only-protocol',
      comment: 'packages/client depends on packages/protocol alone.',
      severity: 'error',
      from: { path: '^packages/client/' },
      to: { path: '^packages/', pathNot: '^packages/(client|protocol)/' },
    },
    {
      name: 'connector-kit-imports-only-protocol',
      comment: 'packages/connector-kit sits on packages/protocol alone: protocol ← connector-kit ← connectors.',
      severity: 'error',
      from: { path: '^packages/connector-kit/' },
      to: { path: '^packages/', pathNot: '^packages/(connector-kit|protocol)/' },
    },
    {
      name: 'connectors-reach-the-hub-only-through-the-kit',
      comment:
        'A connector folder imports @qr-hub/connector-kit, @qr-hub/protocol and npm libraries, never the hub: it can move to its own package unchanged.',
      severity: 'error',
      from: { path: '^src/partners/connectors/[^/]+/' },
      to: { path: '^src/', pathNot: '^src/partners/connectors/' },
    },
    {
      name: 'connectors-never-touch-persistence',
      comment: 'A connector gets what it needs from the core through its interface, never from the database.',
      severity: 'error',
      from: { path: '^src/partners/connectors/' },
      to: { path: '^src/(persistence|store)/' },
    },
    {
      name: 'connectors-never-import-each-other',
      comment: 'Each connector is one folder on its own: it can be removed or moved to its own package.',
      severity: 'error',
      from: { path: '^src/partners/connectors/([^/]+)/' },
      to: { path: '^src/partners/connectors/[^/]+/', pathNot: '^src/partners/connectors/$1/' },
    },
    {
      name: 'outbox-imports-neither-payments-nor-advices',
      comment:
        'Store-and-forward (src/outbox/) serves payments and advices alike: both queue through it, it imports neither (the payments table it reads through SQL).',
      severity: 'error',
      from: { path: '^src/outbox/' },
      to: { path: '^src/(payments|advices)/' },
    },
    ...layerRules,
    {
      name: 'src-folder-has-a-layer',
      comment: 'Every top-level folder of src/ has its place in SRC_LAYERS (.dependency-cruiser.cjs).',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/[^/]+/', pathNot: folders(SRC_LAYERS) },
    },
    {
      name: 'only-the-lifecycle-writes-payments',
      comment:
        'Payment state has one owner (docs/payment-states.md): the payments table is written through PaymentWrites, and only src/lifecycle/ may use it.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/lifecycle/', '[.]spec[.]ts$'] },
      to: { path: '^src/lifecycle/payment-writes[.]repository[.]ts$' },
    },
    {
      name: 'operations-import-no-feature',
      comment:
        'src/operations/ holds the one table of operations that every feature declares its own into: it imports no feature folder (its spec reads the real table).',
      severity: 'error',
      from: { path: '^src/operations/', pathNot: '[.]spec[.]ts$' },
      to: {
        path: '^src/(qr-codes|lifecycle|payments|scans|advices|outbox|partners|admin|audit|auth|docs|metrics|health|retention)/',
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
  },
};
