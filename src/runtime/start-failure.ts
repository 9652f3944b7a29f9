/**
 * The one line a failed start-up prints (`Hub failed to start: …`): for the
 * errors a newcomer meets first it names the setting to change rather than
 * repeating Node's error text.
 */
export function startFailureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const { code, port, address } = (error ?? {}) as { code?: unknown; port?: unknown; address?: unknown };
  if (code === 'EADDRINUSE') return `port ${String(port)} is already in use (PORT): stop the other process or set PORT`;
  if (code === 'EACCES' && port !== undefined) return `port ${String(port)} needs more privileges (PORT)`;
  if (code === 'EADDRNOTAVAIL') return `address ${String(address)} is not one of this machine's (HOST)`;
  return message;
}
