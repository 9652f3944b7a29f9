import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from './paths';

const DOC = (): string => join(repoRoot(), 'docs', 'benchmarks.md');

/**
 * Rewrites one benchmark's results section of docs/benchmarks.md: the text
 * between `<!-- bench:<id> -->` and `<!-- /bench:<id> -->`, appended at the
 * end when the markers are missing. Everything else in the file is left alone.
 * With `--dry` on the command line nothing is written (experiments).
 */
export function writeSection(id: string, markdown: string): string {
  const file = DOC();
  if (process.argv.includes('--dry')) return `nowhere (--dry; ${file} unchanged)`;
  const open = `<!-- bench:${id} -->`;
  const close = `<!-- /bench:${id} -->`;
  const block = `${open}\n${markdown.trim()}\n${close}`;
  mkdirSync(dirname(file), { recursive: true });
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + block + current.slice(end + close.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
  return file;
}
