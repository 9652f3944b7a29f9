// ESLint (typescript-eslint) for src/, packages/, test/, bench/ and scripts/; Prettier owns formatting.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * docs/decisions.md, "One way to the database": only storage code and repositories reach the
 * database, through SqlTable and execute (src/persistence/sql-table.ts); services hold a Tx.
 */
const STORAGE_CODE = [
  'src/persistence/**',
  'src/store/**',
  'src/**/*.repository.ts',
  'src/**/*.entity.ts',
  'src/**/migrations/**',
];
const ONE_WAY =
  'Only repositories touch the database, through SqlTable and execute (src/persistence/sql-table.ts); services pass a Tx from Database.transaction/run (docs/decisions.md, "One way to the database").';
const SEE = 'See docs/decisions.md, "One way to the database".';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'coverage/**', 'data/**', 'packages/*/dist/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // STYLE: only config reads the environment; the rest of the hub gets it typed, from AppConfig.
    files: ['src/**/*.ts'],
    ignores: ['src/config/**', 'src/main.ts', 'src/**/*.spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment in src/config (EnvConfig), not here.' },
      ],
    },
  },
  {
    // One way to the database: outside storage code and repositories, nothing reaches TypeORM or the SQL tools.
    files: ['src/**/*.ts'],
    // Specs may read the store directly to check what the code under test wrote.
    ignores: [...STORAGE_CODE, 'src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'typeorm', message: ONE_WAY }],
          // By alias (@app/persistence/…) or relative path alike.
          patterns: [
            { group: ['typeorm/*'], message: ONE_WAY },
            { group: ['**/persistence/sql-table'], message: ONE_WAY },
            { group: ['**/persistence/database'], importNames: ['managerOf', 'asTx', 'insertRaw'], message: ONE_WAY },
          ],
        },
      ],
    },
  },
  {
    // Repositories included: statements are SqlTable/execute text with bound parameters, never built by TypeORM.
    files: ['src/**/*.ts'],
    ignores: ['src/persistence/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='createQueryBuilder']",
          message: `No query builder: write the statement for SqlTable or execute (src/persistence/sql-table.ts). ${SEE}`,
        },
        {
          selector: "CallExpression[callee.name='managerOf']",
          message: `No EntityManager calls: use SqlTable or execute (src/persistence/sql-table.ts). ${SEE}`,
        },
      ],
    },
  },
);
