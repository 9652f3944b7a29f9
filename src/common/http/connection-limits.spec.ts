import { once } from 'node:events';
import { connect, createServer, Server, Socket } from 'node:net';
import {
  defaultMaxConnections,
  defaultMaxConnectionsPerAddress,
  describeConnectionLimits,
  limitConnectionsPerAddress,
} from './connection-limits';

describe('connection limits', () => {
  it('MAX_CONNECTIONS defaults to 4096, or the open-files limit less 576, at least 64', () => {
    expect(defaultMaxConnections(undefined)).toBe(4096);
    expect(defaultMaxConnections(1_048_576)).toBe(4096);
    expect(defaultMaxConnections(4096 + 576)).toBe(4096);
    expect(defaultMaxConnections(1024)).toBe(448);
    expect(defaultMaxConnections(600)).toBe(64);
  });

  it('MAX_CONNECTIONS_PER_ADDRESS defaults to half the total, at most 256; none behind a TLS proxy', () => {
    expect(defaultMaxConnectionsPerAddress(4096, false)).toBe(256);
    expect(defaultMaxConnectionsPerAddress(448, false)).toBe(224);
    expect(defaultMaxConnectionsPerAddress(64, false)).toBe(32);
    expect(defaultMaxConnectionsPerAddress(1, false)).toBe(1);
    expect(defaultMaxConnectionsPerAddress(4096, true)).toBe(0);
  });

  it('names the caps in one line', () => {
    expect(describeConnectionLimits({ maxConnections: 448, maxConnectionsPerAddress: 224, openFilesLimit: 1024 })).toBe(
      'at most 448 open connections (open-files limit 1024), 224 per client address',
    );
    expect(describeConnectionLimits({ maxConnections: 4096, maxConnectionsPerAddress: 0 })).toBe(
      'at most 4096 open connections, no cap per client address',
    );
  });

  describe('per client address (cap 2)', () => {
    let server: Server;
    let port: number;
    const sockets: Socket[] = [];
    /** The server's side of each connection it served, in order. */
    let served: Socket[];

    beforeEach(async () => {
      served = [];
      server = createServer((socket) => {
        served.push(socket);
        socket.write('hi');
      });
      limitConnectionsPerAddress(server, 2);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as { port: number }).port;
    });
    afterEach(async () => {
      for (const socket of sockets.splice(0)) socket.destroy();
      await new Promise((done) => server.close(done));
    });

    /** Connects from `localAddress`; resolves true if the server greets it, false if it closes it. */
    async function open(localAddress: string): Promise<boolean> {
      const socket = connect({ host: '127.0.0.1', port, localAddress });
      socket.on('error', () => undefined);
      sockets.push(socket);
      return new Promise((done) => {
        socket.once('data', () => done(true));
        socket.once('close', () => done(false));
      });
    }

    it('drops a third connection from one address; another address and a freed slot are served', async () => {
      expect(await open('127.0.0.2')).toBe(true);
      expect(await open('127.0.0.2')).toBe(true);
      expect(await open('127.0.0.2')).toBe(false);
      expect(await open('127.0.0.3')).toBe(true);

      const closed = once(served[0], 'close');
      sockets[0].destroy();
      await closed;
      expect(await open('127.0.0.2')).toBe(true);
    });
  });
});
