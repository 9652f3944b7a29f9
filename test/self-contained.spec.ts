import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/*
 * A user's clone has only this repository: the docs must not send a reader
 * elsewhere, and the tests and code must not read files beside the clone.
 */
const ROOT = join(__dirname, '..');
const OUTSIDE = ['..', 'shared'].join('/'); // spelled in two parts so this file does not match itself
const SPEC_REF = new RegExp(['SPEC', '(?:\\.md| §)'].join(''));

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, pattern);
    return pattern.test(name) ? [path] : [];
  });
}

const docs = [join(ROOT, 'README.md'), ...files(join(ROOT, 'docs'), /\.md$/), ...packageReadmes()];
const code = ['src', 'test', 'scripts', 'bench', 'packages/protocol/src', 'packages/client/src'].flatMap((dir) =>
  files(join(ROOT, dir), /\.(ts|js|mjs)$/),
);

/** packages/<name>/README.md: what an installed package shows its user. */
function packageReadmes(): string[] {
  return readdirSync(join(ROOT, 'packages')).map((name) => join(ROOT, 'packages', name, 'README.md'));
}

const offending = (paths: string[], bad: (text: string) => boolean) =>
  paths.filter((path) => bad(readFileSync(path, 'utf8'))).map((path) => relative(ROOT, path));

describe('the repository stands on its own', () => {
  it('docs link nothing outside the repository and cite docs/protocol.md, not SPEC', () => {
    expect(offending(docs, (text) => text.includes(OUTSIDE) || SPEC_REF.test(text))).toEqual([]);
  });

  it('no code or test reads a file beside the clone, or cites one (comments cite docs/protocol.md)', () => {
    const self = join(ROOT, 'test', 'self-contained.spec.ts');
    expect(
      offending(code, (text) => text.includes(OUTSIDE) || SPEC_REF.test(text)).filter(
        (p) => p !== relative(ROOT, self),
      ),
    ).toEqual([]);
  });

  it('docs/protocol.md has the sections 1–11 that references cite', () => {
    const headings = readFileSync(join(ROOT, 'docs', 'protocol.md'), 'utf8').match(/^## \d+\./gm);
    expect(headings).toEqual(Array.from({ length: 11 }, (_, i) => `## ${i + 1}.`));
  });
});
