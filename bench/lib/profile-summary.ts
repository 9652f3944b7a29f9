/**
 * Prints the top functions of a .cpuprofile by self time and by the time of
 * everything they called from the given project folders ("src/" by default).
 *
 *   node dist-bench/bench/lib/profile-summary.js <file.cpuprofile> [top=25] [skipMs=0]
 *
 * `skipMs` leaves out the first milliseconds of the profile (start-up, warm-up).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function main(): void {
  const [file, topArg, skipArg] = process.argv.slice(2);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const top = Number(topArg ?? 25);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  const skipUs = Number(skipArg ?? 0) * 1000;
  let elapsed = 0;
  profile.samples.forEach((id, i) => {
    elapsed += profile.timeDeltas[i] ?? 0;
    if (elapsed >= skipUs) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const label = (n: ProfileNode): string => {
    const url = n.callFrame.url.replace(/^.*\/(node_modules\/)/, '$1').replace(/^.*\/dist\//, '');
    return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
  };
  const selfBy = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    selfBy.set(label(node), (selfBy.get(label(node)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at);
      if (!n) break;
      const key = label(n);
      if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
      seen.add(key);
    }
  }
  const show = (title: string, m: Map<string, number>, filter: (k: string) => boolean): void => {
    process.stdout.write(`\n${title} (of ${(total / 1000).toFixed(0)} ms sampled)\n`);
    [...m.entries()]
      .filter(([k]) => filter(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .forEach(([k, us]) => process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}\n`));
  };
  show('self time', selfBy, () => true);
  show('inclusive time, project code', inclusive, (k) => / src\//.test(k));
  show('inclusive time, packages', inclusive, (k) => k.includes('node_modules/'));
}

main();
