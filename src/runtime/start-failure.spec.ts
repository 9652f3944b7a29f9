import { createServer, Server } from 'node:net';
import { startFailureMessage } from './start-failure';

function listen(server: Server, port: number, host: string): Promise<unknown> {
  return new Promise((done) => {
    server.once('error', done);
    server.listen(port, host, () => done(null));
  });
}

describe('the start-up failure line', () => {
  it('names PORT when the port is taken', async () => {
    const first = createServer();
    await listen(first, 0, '127.0.0.1');
    const port = (first.address() as { port: number }).port;
    const second = createServer();
    const error = await listen(second, port, '127.0.0.1');
    first.close();
    expect(startFailureMessage(error)).toBe(
      `port ${port} is already in use (PORT): stop the other process or set PORT`,
    );
  });

  it('names HOST when the address is not this machine', () => {
    const error = Object.assign(new Error('listen EADDRNOTAVAIL'), { code: 'EADDRNOTAVAIL', address: '10.9.9.9' });
    expect(startFailureMessage(error)).toBe("address 10.9.9.9 is not one of this machine's (HOST)");
  });

  it('keeps any other message as it is', () => {
    expect(startFailureMessage(new Error('Invalid environment:\n  - PORT: must be …'))).toBe(
      'Invalid environment:\n  - PORT: must be …',
    );
    expect(startFailureMessage('plain')).toBe('plain');
  });
});
