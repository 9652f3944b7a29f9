import { AddressInfo, createServer, Server, Socket, connect } from 'node:net';

/**
 * A TCP proxy in front of a real server (PostgreSQL), for fault injection:
 * `down()` cuts every connection and refuses new ones — the database is
 * unreachable for the hub without stopping it for anyone else. `blackHole()`
 * stops forwarding without closing anything, and accepts new connections
 * without ever answering: a host that went silent. `up()` ends either.
 */
export interface TcpProxy {
  port: number;
  down(): void;
  blackHole(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  /** Clients that connected during a black hole, not yet joined to the server. */
  const held = new Set<Socket>();
  let mode: 'up' | 'down' | 'black-hole' = 'up';

  const track = (s: Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const join = (client: Socket): void => {
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream).pipe(client);
    client.on('close', () => {
      pairs.delete(pair);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
  };

  const server: Server = createServer((client) => {
    if (mode === 'down') return void client.destroy();
    track(client);
    if (mode === 'up') return join(client);
    held.add(client);
    client.pause();
    client.on('close', () => held.delete(client));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    down() {
      mode = 'down';
      for (const s of sockets) s.destroy();
    },
    blackHole() {
      mode = 'black-hole';
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    up() {
      if (mode === 'black-hole') {
        for (const [client, upstream] of pairs) client.pipe(upstream).pipe(client);
        for (const client of held) join(client);
        held.clear();
      }
      mode = 'up';
    },
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
}
