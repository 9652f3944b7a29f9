import type { Server, Socket } from 'node:net';

/** MAX_CONNECTIONS when the open-files limit is high or unknown. */
export const CONNECTIONS_CEILING = 4096;

/**
 * File descriptors kept back from client connections when MAX_CONNECTIONS is
 * derived from the open-files limit: 512 for a partner's upstream connection
 * pool (the electrum-http default) and 64 for the database pool, the database
 * and log files and the listening socket.
 */
export const DESCRIPTOR_RESERVE = 512 + 64;

/** A derived MAX_CONNECTIONS never goes below this, however low the open-files limit. */
export const CONNECTIONS_FLOOR = 64;

/** MAX_CONNECTIONS_PER_ADDRESS at most, when not set (and TLS is not disabled). */
export const PER_ADDRESS_CEILING = 256;

/**
 * The default MAX_CONNECTIONS: 4096, or fewer when the process may not open
 * that many files — the open-files limit less {@link DESCRIPTOR_RESERVE}, at
 * least {@link CONNECTIONS_FLOOR}. Unknown limit (not Linux): 4096.
 */
export function defaultMaxConnections(openFilesLimit: number | undefined): number {
  if (openFilesLimit === undefined) return CONNECTIONS_CEILING;
  return Math.min(CONNECTIONS_CEILING, Math.max(CONNECTIONS_FLOOR, openFilesLimit - DESCRIPTOR_RESERVE));
}

/**
 * The default MAX_CONNECTIONS_PER_ADDRESS (0 = no per-address cap). Behind a
 * TLS-terminating proxy (TLS_DISABLED) every connection comes from the proxy's
 * address, so there is none. Otherwise half of MAX_CONNECTIONS, at most 256:
 * one address never holds more than half the connections, and 256 stays above
 * a retailer's default of 200 held payments (each one an open connection).
 */
export function defaultMaxConnectionsPerAddress(maxConnections: number, tlsDisabled: boolean): number {
  if (tlsDisabled) return 0;
  return Math.min(PER_ADDRESS_CEILING, Math.max(1, Math.floor(maxConnections / 2)));
}

/**
 * Caps the open connections from one client address (`socket.remoteAddress`):
 * a connection beyond `cap` is destroyed as it arrives. On an HTTPS server the
 * `connection` event carries the raw TCP socket before the TLS handshake
 * starts; this listener runs first, so a refused connection costs no
 * handshake. Node's `server.maxConnections` caps only the total, which one
 * client's flood can fill on its own. Hand-written: no library caps
 * connections per address for a plain Node server (express-level limiters see
 * requests, after the handshake). `cap` 0: no per-address cap.
 */
export function limitConnectionsPerAddress(server: Server, cap: number): void {
  if (cap <= 0) return;
  const open = new Map<string, number>();
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) return void socket.destroy(); // already gone
    const count = open.get(address) ?? 0;
    if (count >= cap) return void socket.destroy();
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/** The start-up line naming the caps in effect. */
export function describeConnectionLimits(limits: {
  maxConnections: number;
  maxConnectionsPerAddress: number;
  openFilesLimit?: number;
}): string {
  const total =
    limits.openFilesLimit === undefined
      ? `at most ${limits.maxConnections} open connections`
      : `at most ${limits.maxConnections} open connections (open-files limit ${limits.openFilesLimit})`;
  const perAddress =
    limits.maxConnectionsPerAddress > 0
      ? `${limits.maxConnectionsPerAddress} per client address`
      : 'no cap per client address';
  return `${total}, ${perAddress}`;
}
