#!/usr/bin/env node
// `npm run new:connector -- <name>`: a new partner connector folder, src/partners/connectors/<name>/,
// from scripts/connector-template/ (connector, translation, partner double, contract spec, README),
// registered with one line in src/partners/connectors/index.ts. Nothing else in the hub changes.
//
// `npm run new:connector -- <name> --package <dir>`: the same connector as an npm package of its
// own in <dir> (outside this repository), which the hub loads by package name from config.
//
// The two translations are generated as stubs that throw, so the contract spec fails until they
// are written: a new connector never passes its suite by accident. The files are formatted with
// the hub's Prettier settings, so they pass its format check whatever the name's length.
'use strict';
const { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, isAbsolute, join, relative, resolve } = require('node:path');

const ROOT = join(__dirname, '..');
const TEMPLATES = join(__dirname, 'connector-template');
const CONNECTORS = join(ROOT, 'src', 'partners', 'connectors');
const INDEX = join(CONNECTORS, 'index.ts');
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const USAGE = `usage: npm run new:connector -- <name> [--package <dir>]
  <name>           the connector's name, lower-case kebab case (e.g. acme-wallet)
  --package <dir>  write it as an npm package of its own in <dir> instead of a folder of this hub`;

/** A mistake of the caller's: reported in one line, exit 1. */
class Refused extends Error {}

function parseArgs(argv) {
  const args = { name: undefined, packageDir: undefined, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--package') {
      if (argv[i + 1] === undefined || argv[i + 1].startsWith('-')) throw new Refused('--package needs a folder');
      args.packageDir = argv[++i];
    } else if (arg.startsWith('-')) throw new Refused(`unknown option ${arg} (see --help)`);
    else if (args.name !== undefined) throw new Refused(`one name at a time (got "${args.name}" and "${arg}")`);
    else args.name = arg;
  }
  return args;
}

/** The spellings of one name the templates use, e.g. acme-wallet → acmeWallet, AcmeWallet, ACME_WALLET. */
function spellings(name) {
  const words = name.split('-');
  const camel = words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
  return { name, camel, Pascal: camel[0].toUpperCase() + camel.slice(1), ENV: words.join('_').toUpperCase() };
}

/** `{{key}}` replaced by `values[key]`; a key without a value is a bug in the templates. */
function render(templatePath, values) {
  return readFileSync(join(TEMPLATES, templatePath), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key) => {
    if (!(key in values)) throw new Error(`${templatePath}: no value for {{${key}}}`);
    return values[key];
  });
}

/**
 * The connector's own files, the same in the hub and in a package (names below the folder).
 * A few names would declare what the connector imports (`tls` → `TlsOptions`, `partner` →
 * `PartnerConnector`): refused, so that what is generated always compiles.
 */
function connectorFiles(values) {
  const { name, camel, Pascal } = values;
  const connector = render('connector.ts.tmpl', values);
  const imported = [...connector.matchAll(/^import \{([^}]*)\}/gm)].flatMap((m) =>
    m[1].split(',').map((entry) => entry.replace(/^\s*type\s+/, '').trim()),
  );
  const clash = [`${Pascal}Connector`, `${Pascal}Options`, `${camel}Connector`, `${camel}Options`].find((id) =>
    imported.includes(id),
  );
  if (clash) throw new Refused(`"${name}" would declare ${clash}, which the connector imports; choose another name`);
  return {
    [`${name}.connector.ts`]: connector,
    [`${name}.translation.ts`]: render('translation.ts.tmpl', values),
    [`${name}.partner-double.ts`]: render('partner-double.ts.tmpl', values),
    [`${name}.contract.spec.ts`]: render('contract.spec.ts.tmpl', values),
  };
}

/** `files` formatted as the hub formats its own (.prettierrc); unchanged where Prettier has no parser. */
async function formatted(files) {
  const prettier = require('prettier');
  const options = await prettier.resolveConfig(join(ROOT, 'package.json'));
  const out = {};
  for (const [file, text] of Object.entries(files)) {
    out[file] = /\.(ts|js|json|md)$/.test(file) ? await prettier.format(text, { ...options, filepath: file }) : text;
  }
  return out;
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function checkName(name) {
  if (name === undefined) throw new Refused("give the connector's name, e.g. npm run new:connector -- acme-wallet");
  if (!NAME.test(name)) {
    throw new Refused(`"${name}" is not a connector name: use lower-case kebab case, e.g. acme-wallet`);
  }
}

async function createInHub(name) {
  const values = { ...spellings(name), type: name };
  const folder = join(CONNECTORS, name);
  const where = relative(ROOT, folder);
  if (existsSync(folder)) throw new Refused(`${where}/ already exists`);
  const index = readFileSync(INDEX, 'utf8');
  const exported = `${values.camel}Connector`;
  if (new RegExp(`\\b${exported}\\b`).test(index) || index.includes(`'./${name}/`)) {
    throw new Refused(`${relative(ROOT, INDEX)} already exports ${exported} or ./${name}/`);
  }
  const files = await formatted({
    ...connectorFiles(values),
    'README.md': render('README.md.tmpl', {
      ...values,
      tests: `\`\`\`sh\nnpx jest src/partners/connectors/${name}\n\`\`\``,
      install: [
        '## Registration',
        '',
        'Built into the hub by one line in `src/partners/connectors/index.ts`; config names it',
        `\`connector: ${name}\`. \`test/connector-coverage.spec.ts\` fails for a registered type whose`,
        'contract no spec runs, and `test/boundaries.spec.ts` keeps this folder to `@qr-hub/connector-kit`,',
        '`@qr-hub/protocol` and npm libraries: it can move to a package of its own unchanged.',
      ].join('\n'),
    }),
  });
  // Not recursive: a folder made meanwhile is not written into.
  mkdirSync(folder);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
  const line = `export { ${exported} } from './${name}/${name}.connector';\n`;
  appendFileSync(INDEX, index.endsWith('\n') ? line : `\n${line}`);

  const out = process.stdout;
  out.write(
    `Created ${where}/:\n${Object.keys(files)
      .map((f) => `  ${f}\n`)
      .join('')}`,
  );
  out.write(`Registered in ${relative(ROOT, INDEX)}: ${line}`);
  out.write(`Next: write ${name}.translation.ts and ${name}.partner-double.ts (see ${where}/README.md);\n`);
  out.write(`the contract spec fails until they are written: npx jest ${where}\n`);
}

async function createPackage(name, dir) {
  // npm runs scripts in the repository's root; INIT_CWD is where the user typed the command.
  const target = resolve(process.env.INIT_CWD || process.cwd(), dir);
  const inside = relative(ROOT, target);
  if (!inside.startsWith('..') && !isAbsolute(inside)) {
    throw new Refused(`${target} is inside the hub's repository; a connector package is a project of its own`);
  }
  if (existsSync(target) && readdirSync(target).length > 0) throw new Refused(`${target} exists and is not empty`);

  const packageName = `qr-connector-${name}`;
  const values = { ...spellings(name), type: packageName };
  const kit = readJson(join(ROOT, 'packages', 'connector-kit', 'package.json'));
  const protocol = readJson(join(ROOT, 'packages', 'protocol', 'package.json'));
  const hub = readJson(join(ROOT, 'package.json'));
  const dev = (dep) => hub.devDependencies[dep] ?? hub.dependencies[dep];
  const manifest = {
    name: packageName,
    version: '0.1.0',
    description: `QR payment hub connector for the ${name} partner (config: connector: ${packageName})`,
    license: 'UNLICENSED',
    type: 'commonjs',
    engines: kit.engines,
    main: 'dist/index.js',
    types: 'dist/index.d.ts',
    files: ['dist/**/*.js', 'dist/**/*.d.ts', 'README.md'],
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json',
      test: 'jest',
      prepack: 'npm run build',
    },
    // Caret ranges: the hub loads a connector whose kit has its own major version.
    dependencies: { '@qr-hub/connector-kit': `^${kit.version}`, '@qr-hub/protocol': `^${protocol.version}` },
    // One zod with the hub's: the options schema is built with the hub's helpers.
    peerDependencies: { zod: kit.peerDependencies.zod },
    devDependencies: Object.fromEntries(
      ['@swc/core', '@swc/jest', '@types/jest', '@types/node', 'jest', 'typescript', 'zod'].map((d) => [d, dev(d)]),
    ),
  };
  const files = await formatted({
    'package.json': `${JSON.stringify(manifest, null, 2)}\n`,
    '.prettierrc': readFileSync(join(ROOT, '.prettierrc'), 'utf8'),
    'tsconfig.json': render('package/tsconfig.json.tmpl', values),
    'tsconfig.build.json': render('package/tsconfig.build.json.tmpl', values),
    'jest.config.js': render('package/jest.config.js.tmpl', values),
    '.gitignore': render('package/gitignore.tmpl', values),
    'src/index.ts': render('package/index.ts.tmpl', values),
    ...Object.fromEntries(Object.entries(connectorFiles(values)).map(([file, text]) => [`src/${file}`, text])),
    'README.md': render('README.md.tmpl', {
      ...values,
      tests:
        '```sh\nnpm install\nnpm test            # the contract suite against the partner double\nnpm run typecheck\n```',
      install: packageInstall(packageName),
    }),
  });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    writeFileSync(join(target, file), text);
  }
  process.stdout.write(`Created the package ${packageName} in ${target}:\n`);
  process.stdout.write(
    Object.keys(files)
      .map((f) => `  ${f}\n`)
      .join(''),
  );
  process.stdout.write(`Next: write src/${name}.translation.ts and src/${name}.partner-double.ts (README.md).\n`);
}

function packageInstall(packageName) {
  return [
    '## Installing it into a hub',
    '',
    'The connector is in `src/`; `src/index.ts` exports its definition as `connector`, which the hub',
    'loads when config names this package. It depends on `@qr-hub/connector-kit` and',
    "`@qr-hub/protocol` (the hub's own packages: where they are not on your registry, `npm pack`",
    "them from the hub's `packages/` and install the tarballs) and shares the hub's `zod`.",
    '',
    '```sh',
    'npm install && npm run build          # here: dist/',
    'cd <hub> && npm install <this folder>  # or npm pack here and install the tarball',
    '```',
    '',
    "Then, in the hub's config:",
    '',
    '```yaml',
    'partners:',
    '  - id: my-partner',
    `    connector: ${packageName}`,
    '    options: { … }   # as in "Config" above',
    '```',
    '',
    'The hub refuses a package built against another major version of the connector kit than its own.',
  ].join('\n');
}

async function main(argv) {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  checkName(args.name);
  if (args.packageDir !== undefined) await createPackage(args.name, args.packageDir);
  else await createInHub(args.name);
}

main(process.argv.slice(2)).catch((err) => {
  if (!(err instanceof Refused)) throw err;
  process.stderr.write(`new-connector: ${err.message}\n`);
  process.exitCode = 1;
});
