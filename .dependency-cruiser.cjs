/**
 * The import boundaries (STYLE: "a dependency-rule check in CI says so"),
 * checked by `test/boundaries.spec.ts` on every `npm test`:
 * protocol ← connector-kit ← connectors; protocol ← client; packages never
 * import the hub; a partner connector reaches the hub only through the kit,
 * never the database, never another connector; store-and-forward (src/outbox/)
 * imports neither payments nor advices; the operations table (src/operations/)
 * imports no feature.
 */
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
      to: { path: '^src/persistence/' },
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
    {
      name: 'operations-import-no-feature',
      comment:
        'src/operations/ holds the one table of operations that every feature declares its own into: it imports no feature folder (its spec reads the real table).',
      severity: 'error',
      from: { path: '^src/operations/', pathNot: '[.]spec[.]ts$' },
      to: {
        path: '^src/(qr-codes|payments|scans|advices|outbox|partners|admin|audit|auth|docs|metrics|health|retention)/',
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
  },
};
