import { spawn } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { RETAILER } from '../../test/factories/hub-config.factory';
import { aCreateQrCodeRequest } from '../../test/factories/messages.factory';
import { freePort } from '../../test/utils/hub-process';
import { onInterrupt } from './harness';
import { cpuSeconds, cpuTriple } from './proc';
import { fmt } from './stats';

/** One createQrCode load run (autocannon): throughput, latency, and the server's CPU per 2xx answer. */
export interface LoadRow {
  target: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  ok: number;
  bad: number;
  /** CPU during warm-up and run: server / autocannon / machine. */
  cpu: string;
  /** The server process's CPU time (user + system) per 2xx answer of the measured run, ms. */
  cpuPerRequestMs: number;
}

export interface LoadOptions {
  connections: number;
  durationS: number;
  warmupS: number;
}

/**
 * createQrCode against `origin` with `connections` keep-alive HTTPS
 * connections: a warm-up, then the measured run, each request a fresh valid
 * body (a reused id would be a DUPLICATE_RECORD).
 */
export async function loadCreateQrCode(target: string, origin: string, pid: number, o: LoadOptions): Promise<LoadRow> {
  const authorization = `Basic ${Buffer.from(`${RETAILER.id}:${RETAILER.password}`).toString('base64')}`;
  const run = (duration: number) =>
    autocannon({
      url: origin,
      connections: o.connections,
      duration,
      timeout: 10,
      requests: [
        {
          method: 'POST',
          path: '/qr/v1/qrCodes',
          headers: { authorization, 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: JSON.stringify(aCreateQrCodeRequest()) }),
        },
      ],
    });
  const meter = cpuTriple(pid);
  await run(o.warmupS);
  const cpu0 = cpuSeconds(pid);
  const result = await run(o.durationS);
  const cpuPerRequestMs = ((cpuSeconds(pid) - cpu0) * 1000) / Math.max(1, result['2xx']);
  const cpu = meter.stop();
  const row: LoadRow = {
    target,
    reqPerSec: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    bad: result.non2xx + result.errors + result.timeouts,
    cpu,
    cpuPerRequestMs,
  };
  process.stdout.write(
    `${target}: ${fmt(row.reqPerSec)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, ${fmt(cpuPerRequestMs, 3)} ms CPU/request, ` +
      `${row.ok} × 2xx, ${row.bad} other (${JSON.stringify(result.statusCodeStats)}), CPU server / autocannon / machine ${cpu}\n`,
  );
  return row;
}

/**
 * The baseline every performance figure is a ratio to: the bare NestJS route
 * (bench/bare-app.ts: HTTPS keep-alive, passport Basic, the ValidationPipe,
 * no storage), loaded as createQrCode is. Its CPU time per request is one
 * "bare request".
 */
export async function measureBareRoute(o: LoadOptions): Promise<LoadRow> {
  const bare = await startBareApp();
  try {
    return await loadCreateQrCode('bare NestJS route (no storage, no QR)', bare.origin, bare.pid, o);
  } finally {
    bare.stop();
  }
}

/** The bare NestJS route's own process (bench/bare-app.ts), listening on a free port. */
export async function startBareApp(): Promise<{ origin: string; pid: number; stop(): void }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(__dirname, '..', 'bare-app.js')], {
    env: { PATH: process.env.PATH, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready, reject) => {
    child.once('exit', (code) => reject(new Error(`bare app exited with ${code}`)));
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('listening') && ready());
  });
  const forget = onInterrupt(async () => void child.kill('SIGKILL'));
  const stop = (): void => {
    forget();
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
  };
  return { origin: `https://127.0.0.1:${port}`, pid: child.pid ?? 0, stop };
}
