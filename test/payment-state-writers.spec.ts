import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/*
 * docs/payment-states.md: the payment lifecycle is the only code that writes
 * payment state. This lists every place in src/ that writes the payments
 * table — SQL text that updates or inserts payments, or a write through a
 * `SqlTable(Payment)` — and expects exactly one: the lifecycle's own
 * repository, which a dependency rule (.dependency-cruiser.cjs) lets only
 * src/lifecycle/ import. Deleting old payments (retention) is not a state change.
 */
const ROOT = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The places in `text` that write payments: `file:line` of each. */
export function paymentWrites(file: string, text: string): string[] {
  const tables = [...text.matchAll(/(\w+)\s*=\s*new SqlTable\(Payment\)/g)].map((m) => m[1]);
  const patterns = [
    /\bUPDATE\s+payments\b/i,
    /\bINSERT\s+INTO\s+payments\b/i,
    ...tables.map((t) => new RegExp(`\\b${t}\\.(update|updateReturning|insert)\\(`)),
  ];
  return text.split('\n').flatMap((line, i) => (patterns.some((p) => p.test(line)) ? [`${file}:${i + 1}`] : []));
}

describe('who writes payment state', () => {
  it('only the payment lifecycle', () => {
    const writers = new Set(
      sources(join(ROOT, 'src')).flatMap((path) =>
        paymentWrites(relative(ROOT, path), readFileSync(path, 'utf8')).map((place) => place.split(':')[0]),
      ),
    );
    expect([...writers]).toEqual(['src/lifecycle/payment-writes.repository.ts']);
  });

  it('the listing finds a write wherever it is written', () => {
    const service = [
      'const rows = new SqlTable(Payment);',
      "await rows.update(tx, { state: 'APPROVED' }, 'id = ?', [id]);",
      'await execute(tx, "UPDATE payments SET state = \'CLOSED\' WHERE id = ?", [id]);',
      "await execute(tx, 'INSERT INTO payments (id) VALUES (?)', [id]);",
      'await rows.select(tx, "id = ?", [id]);',
    ].join('\n');
    expect(paymentWrites('src/x.ts', service)).toEqual(['src/x.ts:2', 'src/x.ts:3', 'src/x.ts:4']);
  });
});
