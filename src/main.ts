import 'reflect-metadata';
import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { createApp, hardenServer } from './create-app';
import { loadAppConfig } from './config/config.module';
import { assertProductionReady } from './config/production-checks';
import { governHeapGrowth, heapGrowthPolicy } from './runtime/heap-growth';
import { startFailureMessage } from './runtime/start-failure';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Hub');
  // docs/decisions.md: the heap's growth is capped only while it is large (many held payments).
  const heap = heapGrowthPolicy(process.env);
  governHeapGrowth(heap, (tight, used) =>
    logger.log(
      tight
        ? `heap ${Math.round(used / 2 ** 20)} MiB: growth capped at ${heap.percent}% past live data`
        : `heap ${Math.round(used / 2 ** 20)} MiB: growth left to V8`,
    ),
  );
  const config = loadAppConfig();
  await assertProductionReady(config.hub, config.env);
  const app = await createApp(config);
  const server = app.getHttpServer();
  hardenServer(server);
  await app.listen(config.env.port, config.env.host);
  boundShutdown(server, logger);
  process.once('exit', (code) => logger.log(`QR payment hub stopped (exit code ${code})`));

  const scheme = config.env.tls.disabled ? 'http' : 'https';
  const shownHost = config.env.host === '0.0.0.0' || config.env.host === '::' ? 'localhost' : config.env.host;
  const origin = `${scheme}://${shownHost}:${config.env.port}`;
  const base = `${origin}/qr/v1`;
  const retailer = config.hub.institutions.find((i) => i.role === 'retailer');
  logger.log(
    `QR payment hub listening on ${base} (config ${config.hub.sourcePath}, database ${describeDb(config.env.databaseUrl)})`,
  );
  logger.log(
    `Try: node scripts/example.js qr-code | curl -k -u ${retailer?.id ?? '<retailer id>'}:<password> ` +
      `-H 'Content-Type: application/json' -d @- ${base}/qrCodes (README, "Try it")`,
  );
  logger.log(
    `Operator console ${origin}/console, API docs ${origin}/docs; ` +
      'a whole payment walked through: npm run demo (in another terminal)',
  );
}

/**
 * docs/protocol.md §10: on SIGTERM Nest's shutdown hooks stop the listener and answer held
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
  process.stderr.write(`Hub failed to start: ${startFailureMessage(error)}\n`);
  process.exit(1);
});
