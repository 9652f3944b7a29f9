/**
 * The retry pace of store-and-forward (protocol basics, docs/protocol.md §7):
 * an advice without a final answer is repeated with capped exponential
 * backoff and jitter. The retailer client's advice sender and the hub's
 * forwarder both use it.
 */

/**
 * `min(maxDelayMs, initialDelayMs · 2^(attempt−1))`, half fixed and half
 * random ("equal jitter"): tills that lost the hub together do not all come
 * back in the same second.
 */
export function backoffDelay(
  attempt: number,
  initialDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const exp = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
