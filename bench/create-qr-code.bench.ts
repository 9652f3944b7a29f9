/**
 * createQrCode throughput (issue: foundation). autocannon, HTTPS keep-alive,
 * Basic auth, a fresh valid body (new UUID) per request, 32 connections, 3 s
 * warm-up then 10 s, against: a bare NestJS app with the same pipeline minus
 * storage and QR work (bench/bare-app.ts), the hub on SQLite, the hub on
 * PostgreSQL. Target: hub on SQLite ≥ 50% of the bare route's req/s.
 *
 *   node dist-bench/bench/create-qr-code.bench.js [--duration=10] [--connections=32] [--profile]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { RETAILER } from '../test/factories/hub-config.factory';
import { aCreateQrCodeRequest } from '../test/factories/messages.factory';
import { freePort } from '../test/utils/hub-process';
import { DbKind, onInterrupt, prepareTls, diagnosticsEnv, startBenchHub } from './lib/harness';
import { dbKinds, fail, numberArg, storeName } from './lib/args';
import { machineLine } from './lib/machine';
import { cpuTriple } from './lib/proc';
import { writeSection } from './lib/report';
import { fmt, table } from './lib/stats';

const DURATION_S = numberArg('duration', 10);
const WARMUP_S = numberArg('warmup', 3);
const CONNECTIONS = numberArg('connections', 32);
const TARGET_RATIO = 0.5;

interface Row {
  target: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  ok: number;
  bad: number;
  cpu: string;
}

async function load(target: string, origin: string, pid: number): Promise<Row> {
  const authorization = `Basic ${Buffer.from(`${RETAILER.id}:${RETAILER.password}`).toString('base64')}`;
  const meter = cpuTriple(pid);
  const result = await autocannon({
    url: origin,
    connections: CONNECTIONS,
    duration: DURATION_S,
    warmup: { connections: CONNECTIONS, duration: WARMUP_S },
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/qr/v1/qrCodes',
        headers: { authorization, 'content-type': 'application/json' },
        // A new body (new UUID `id`) for every request: a reused id is a DUPLICATE_RECORD.
        setupRequest: (req) => ({ ...req, body: JSON.stringify(aCreateQrCodeRequest()) }),
      },
    ],
  });
  const cpu = meter.stop(); // over warm-up + run
  const row: Row = {
    target,
    reqPerSec: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    bad: result.non2xx + result.errors + result.timeouts,
    cpu,
  };
  process.stdout.write(
    `${target}: ${fmt(row.reqPerSec)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, ` +
      `${row.ok} × 2xx, ${row.bad} other (${JSON.stringify(result.statusCodeStats)}), CPU server / autocannon / machine ${cpu}\n`,
  );
  return row;
}

async function bare(): Promise<Row> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(__dirname, 'bare-app.js')], {
    env: { PATH: process.env.PATH, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready, reject) => {
    child.once('exit', (code) => reject(new Error(`bare app exited with ${code}`)));
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('listening') && ready());
  });
  const forget = onInterrupt(async () => void child.kill('SIGKILL'));
  try {
    return await load('bare NestJS route (no storage, no QR)', `https://127.0.0.1:${port}`, child.pid ?? 0);
  } finally {
    forget();
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
  }
}

async function hub(kind: DbKind, profileDir: string): Promise<Row> {
  const bench = await startBenchHub(kind, {}, diagnosticsEnv(process.argv, profileDir));
  try {
    return await load(`hub createQrCode, ${storeName(kind)}`, bench.origin, bench.pid);
  } finally {
    await bench.stop();
  }
}

async function main(): Promise<void> {
  await prepareTls();
  const profileDir = mkdtempSync(join(tmpdir(), 'qr-hub-prof-'));
  const baseline = await bare();
  const hubs: Row[] = [];
  for (const kind of dbKinds()) hubs.push(await hub(kind, profileDir));
  const ratio = (hubs.find((r) => r.target.endsWith('SQLite'))?.reqPerSec ?? Number.NaN) / baseline.reqPerSec;
  const verdict = Number.isNaN(ratio)
    ? 'not measured (no SQLite run)'
    : ratio >= TARGET_RATIO
      ? `**met** (${fmt(ratio * 100)}% ≥ 50%)`
      : `**missed** by ${fmt((TARGET_RATIO - ratio) * 100)} points (${fmt(ratio * 100)}% < 50%)`;
  const rows = [baseline, ...hubs].map((r) => [
    r.target,
    fmt(r.reqPerSec, 0),
    `${r.p50}`,
    `${r.p99}`,
    `${fmt((r.reqPerSec / baseline.reqPerSec) * 100)}%`,
    `${r.ok} / ${r.bad}`,
    r.cpu,
  ]);
  const md = [
    '### createQrCode vs a bare NestJS route',
    '',
    machineLine(),
    '',
    `autocannon 8, HTTPS keep-alive, Basic auth, ${CONNECTIONS} connections, ${WARMUP_S} s warm-up then ` +
      `${DURATION_S} s, a fresh CreateQrCodeRequest (new UUID) per request. req/s = 2xx answers / duration.`,
    '',
    table(
      ['target', 'req/s', 'p50 ms', 'p99 ms', 'vs bare', '2xx / other', 'CPU: server / autocannon / machine'],
      rows,
    ),
    '',
    `Target createQrCode (SQLite) ≥ 50% of the bare route: ${verdict}.`,
    process.argv.includes('--profile') ? `\nCPU profiles of the hub processes: \`${profileDir}\`.` : '',
  ].join('\n');
  process.stdout.write(`\n${md}\n\nwritten to ${writeSection('create-qr-code', md)}\n`);
}

main().catch(fail);
