import 'reflect-metadata';
import type { Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { Logger } from '@nestjs/common';
import { createApp, hardenServer } from './create-app';
import { loadAppConfig } from './config/config.module';
import { assertProductionReady } from './config/production-checks';

/**
 * `HUB_HEAP_GROWING_PERCENT`: how far V8 lets the heap grow past what was live
 * after its last full collection before it collects again (1 + percent/100).
 * Unset or 0 leaves V8's own choice, up to 4× on a machine with plenty of
 * memory: a hub holding 10,000 payments (≈ 400 MiB live) then peaks at
 * 1.7 GiB, mostly garbage, while releasing them. At 40 it peaked near 1 GiB,
 * but the full flow cost ≈ 13% more CPU, so it is a choice for memory-bound
 * deployments, not the default (docs/benchmarks.md). It changes only when V8
 * collects, never what is kept.
 */
function tuneGarbageCollector(logger: Logger): void {
  const raw = process.env.HUB_HEAP_GROWING_PERCENT ?? '0';
  const percent = Number(raw);
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000) {
    throw new Error(`HUB_HEAP_GROWING_PERCENT must be an integer 0–1000, got "${raw}"`);
  }
  if (percent === 0) return;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  logger.log(`heap may grow ${percent}% past live data between full collections`);
}

async function bootstrap(): Promise<void> {
  const logger = new Logger('Hub');
  tuneGarbageCollector(logger);
  const config = loadAppConfig();
  await assertProductionReady(config.hub, config.env);
  const app = await createApp(config);
  const server = app.getHttpServer();
  hardenServer(server);
  await app.listen(config.env.port, config.env.host);
  boundShutdown(server, logger);

  const scheme = config.env.tls.disabled ? 'http' : 'https';
  const shownHost = config.env.host === '0.0.0.0' || config.env.host === '::' ? 'localhost' : config.env.host;
  const base = `${scheme}://${shownHost}:${config.env.port}/qr/v1`;
  const retailer = config.hub.institutions.find((i) => i.role === 'retailer');
  logger.log(
    `QR payment hub listening on ${base} (config ${config.hub.sourcePath}, database ${describeDb(config.env.databaseUrl)})`,
  );
  logger.log(
    `Try: curl -k -u ${retailer?.id ?? '<retailer id>'}:<password> -H 'Content-Type: application/json' ` +
      `${base}/qrCodes -d @docs/examples/create-qr-code.json`,
  );
}

/**
 * SPEC §10: on SIGTERM Nest's shutdown hooks stop the listener and answer held
 * payments (first), let upstream calls in flight finish, then mark this
 * instance stopped, release outbox leases and close the database; this adds
 * what they cannot:
 * keep-alive sockets are closed as soon as they go idle, and the process exits
 * after 30 s whatever is still running.
 */
function boundShutdown(server: Server, logger: Logger): void {
  const onSignal = (): void => {
    logger.log('shutting down: no new connections, answering held payments');
    setInterval(() => server.closeIdleConnections(), 200).unref();
    setTimeout(() => {
      logger.error('shutdown took longer than 30 s; exiting');
      process.exit(1);
    }, 30_000).unref();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

function describeDb(url: string): string {
  return url.startsWith('sqlite:') ? url : url.replace(/\/\/[^@]*@/, '//***@');
}

bootstrap().catch((error: unknown) => {
  // A bad config or certificate stops start-up with its message, not a stack dump.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Hub failed to start: ${message}\n`);
  process.exit(1);
});
