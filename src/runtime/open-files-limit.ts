import { readFileSync } from 'node:fs';

/**
 * The soft `Max open files` limit in the text of Linux's `/proc/<pid>/limits`
 * (columns: limit name, soft limit, hard limit, units). Undefined when the
 * line is missing or the soft limit is `unlimited`.
 */
export function parseOpenFilesLimit(text: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  return soft !== undefined && /^\d+$/.test(soft) ? Number(soft) : undefined;
}

/**
 * This process's soft open-files limit, read from `/proc/self/limits` (Node
 * raises the soft limit to the hard one at start, so this is the limit the hub
 * really has). Undefined where the file cannot be read (not Linux).
 */
export function readOpenFilesLimit(file = '/proc/self/limits'): number | undefined {
  try {
    return parseOpenFilesLimit(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
