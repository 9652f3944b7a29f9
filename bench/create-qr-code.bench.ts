/**
 * createQrCode throughput (issue: foundation). autocannon, HTTPS keep-alive,
 * Basic auth, a fresh valid body (new UUID) per request, 32 connections, 3 s
 * warm-up then 10 s, against: a bare NestJS app with the same pipeline minus
 * storage and QR work (bench/bare-app.ts), the hub on SQLite, the hub on
 * PostgreSQL. Goal: hub on SQLite ≥ 0.70 × the bare route's 2xx/s, in the same run.
 *
 *   node dist-bench/bench/create-qr-code.bench.js [--duration=10] [--connections=32] [--profile]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadRow, loadCreateQrCode, measureBareRoute } from './lib/bare-route';
import { DbKind, prepareTls, diagnosticsEnv, startBenchHub } from './lib/harness';
import { dbKinds, fail, numberArg, storeName } from './lib/args';
import { machineLine } from './lib/machine';
import { writeSection } from './lib/report';
import { fmt, table } from './lib/stats';

const DURATION_S = numberArg('duration', 10);
const WARMUP_S = numberArg('warmup', 3);
const CONNECTIONS = numberArg('connections', 32);
/** createQrCode's 2xx/s as a multiple of the bare route's, measured in the same run. */
const TARGET_RATIO = 0.7;

type Row = LoadRow;
const LOAD = { connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S };

async function hub(kind: DbKind, profileDir: string): Promise<Row> {
  const bench = await startBenchHub(kind, {}, diagnosticsEnv(process.argv, profileDir));
  try {
    return await loadCreateQrCode(`hub createQrCode, ${storeName(kind)}`, bench.origin, bench.pid, LOAD);
  } finally {
    await bench.stop();
  }
}

async function main(): Promise<void> {
  await prepareTls();
  const profileDir = mkdtempSync(join(tmpdir(), 'qr-hub-prof-'));
  const baseline = await measureBareRoute(LOAD);
  const hubs: Row[] = [];
  for (const kind of dbKinds()) hubs.push(await hub(kind, profileDir));
  const ratio = (hubs.find((r) => r.target.endsWith('SQLite'))?.reqPerSec ?? Number.NaN) / baseline.reqPerSec;
  const verdict = Number.isNaN(ratio)
    ? 'not measured (no SQLite run)'
    : ratio >= TARGET_RATIO
      ? `**met** (${fmt(ratio, 2)} ≥ ${TARGET_RATIO})`
      : `**missed** (${fmt(ratio, 2)} < ${TARGET_RATIO})`;
  const rows = [baseline, ...hubs].map((r) => [
    r.target,
    `${fmt(r.reqPerSec / baseline.reqPerSec, 2)} ×`,
    `${fmt(r.cpuPerRequestMs / baseline.cpuPerRequestMs, 2)} ×`,
    fmt(r.reqPerSec, 0),
    fmt(r.cpuPerRequestMs, 3),
    `${r.p50}`,
    `${r.p99}`,
    `${r.ok} / ${r.bad}`,
    r.cpu,
  ]);
  const md = [
    '### createQrCode vs a bare NestJS route',
    '',
    `**createQrCode on SQLite: ${fmt(ratio, 2)} × the bare route's 2xx/s in the same run** (goal ≥ ${TARGET_RATIO}: ${verdict}).`,
    '',
    machineLine(),
    '',
    `autocannon 8, HTTPS keep-alive, Basic auth, ${CONNECTIONS} connections, ${WARMUP_S} s warm-up then ` +
      `${DURATION_S} s, a fresh CreateQrCodeRequest (new UUID) per request. req/s = 2xx answers / duration.`,
    '',
    table(
      [
        'target',
        '2xx/s vs bare',
        'CPU per answer vs bare',
        'req/s',
        'CPU ms per answer',
        'p50 ms',
        'p99 ms',
        '2xx / other',
        'CPU: server / autocannon / machine',
      ],
      rows,
    ),
    '',
    process.argv.includes('--profile') ? `\nCPU profiles of the hub processes: \`${profileDir}\`.` : '',
  ].join('\n');
  process.stdout.write(`\n${md}\n\nwritten to ${writeSection('create-qr-code', md)}\n`);
}

main().catch(fail);
