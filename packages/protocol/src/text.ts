/* Text helpers for request input: each runs in one pass, whatever the input (no backtracking regex). */

/**
 * `text` without its trailing slashes, in one backwards pass. A regex such as
 * `/\/+$/` is quadratic: each run of slashes not at the end is scanned again
 * from each of its positions.
 */
export function trimTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end--;
  return end === text.length ? text : text.slice(0, end);
}
