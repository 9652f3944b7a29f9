import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/** What `HUB_HEAP_GROWING_PERCENT` and `HUB_HEAP_TIGHT_ABOVE_MB` ask for. */
export interface HeapGrowthPolicy {
  /** How far the heap may grow past live data between full collections, in percent; 0 = V8's own choice. */
  percent: number;
  /** Applied only while the used heap is at least this large, in bytes (0: always). */
  aboveBytes: number;
}

export const DEFAULT_HEAP_GROWING_PERCENT = 20;
export const DEFAULT_HEAP_TIGHT_ABOVE_MB = 256;
const CHECK_EVERY_MS = 1_000;
/** Back to V8's choice only once the heap is well below the threshold, so it does not flap. */
const RELAX_BELOW = 0.75;

/** Reads the policy from the environment; a bad value stops start-up with its name. */
export function heapGrowthPolicy(env: NodeJS.ProcessEnv): HeapGrowthPolicy {
  const percent = integer(env, 'HUB_HEAP_GROWING_PERCENT', DEFAULT_HEAP_GROWING_PERCENT, 1_000);
  const aboveMb = integer(env, 'HUB_HEAP_TIGHT_ABOVE_MB', DEFAULT_HEAP_TIGHT_ABOVE_MB, 1_048_576);
  return { percent, aboveBytes: aboveMb * 1024 * 1024 };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(`${name} must be an integer 0–${max}, got "${raw}"`);
  }
  return value;
}

/** The V8 side, injectable for tests. */
export interface HeapControls {
  usedHeapBytes(): number;
  setGrowingPercent(percent: number): void;
}

const v8Controls: HeapControls = {
  usedHeapBytes: () => getHeapStatistics().used_heap_size,
  // V8 reads this flag each time it sets the next collection's limit (after a
  // full collection); 0 means its own dynamic factor (up to 4× on a large machine).
  setGrowingPercent: (percent) => setFlagsFromString(`--heap-growing-percent=${percent}`),
};

/**
 * Keeps RSS near what is live when the heap is large. V8 sets the next full
 * collection at up to 4× the live heap on a machine with plenty of memory:
 * harmless for a hub with a small heap, but a hub holding 10,000 payments
 * (≈ 450 MiB live) then peaked at 1.6–1.7 GiB of mostly garbage while
 * releasing them. A fixed factor for every heap cost ≈ 13% CPU in the full
 * flow, where the heap is small and collections are cheap but would come
 * more often. So the factor is capped (`percent`) only while the used heap is
 * above `aboveBytes`, checked once a second: 20% above 256 MiB gave a 957 MiB
 * peak for 10,000 held payments (docs/benchmarks.md). No library does this;
 * it is a flag and a timer. Returns a function that stops the checks.
 */
export function governHeapGrowth(
  policy: HeapGrowthPolicy,
  onChange: (tight: boolean, usedBytes: number) => void = () => undefined,
  controls: HeapControls = v8Controls,
  everyMs = CHECK_EVERY_MS,
): () => void {
  if (policy.percent === 0) return () => undefined;
  let tight = false;
  const check = (): void => {
    const used = controls.usedHeapBytes();
    if (!tight && used >= policy.aboveBytes) {
      controls.setGrowingPercent(policy.percent);
      tight = true;
      onChange(true, used);
    } else if (tight && policy.aboveBytes > 0 && used < policy.aboveBytes * RELAX_BELOW) {
      controls.setGrowingPercent(0);
      tight = false;
      onChange(false, used);
    }
  };
  check();
  const timer = setInterval(check, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
