import { connect as tlsConnect } from 'node:tls';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { testTls } from '../utils/test-tls';

describe('slow clients cannot hold sockets (slowloris)', () => {
  let hub: TestApp;

  beforeAll(async () => {
    hub = await createTestApp();
  });
  afterAll(() => hub.close());

  it('a client that never finishes its headers gets 408 with an ErrorDetail and is cut off after headersTimeout', async () => {
    const port = Number(new URL(hub.baseUrl).port);
    const started = Date.now();
    let answer = '';
    const closedAfter = await new Promise<number>((done) => {
      const socket = tlsConnect({ port, host: '127.0.0.1', ca: testTls().cert, servername: 'localhost' }, () => {
        socket.write('POST /qr/v1/qrCodes HTTP/1.1\r\nHost: localhost\r\n');
      });
      socket.on('data', (d: Buffer) => (answer += d.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => done(Date.now() - started));
    });
    // headersTimeout is 10 s, checked every second.
    expect(closedAfter).toBeGreaterThanOrEqual(9_000);
    expect(closedAfter).toBeLessThan(15_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).errorType).toBe('FORMAT_ERROR');
  }, 30_000);
});
