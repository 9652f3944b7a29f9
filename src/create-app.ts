import type { ConnectorDefinition } from '@qr-hub/connector-kit';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Logger, LoggerService, Type } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { createHubLogger, PinoNestLogger } from './common/logger';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { Clock } from './clock/clock';
import { AppConfig } from './config/app-config';
import { jsonBody } from './common/http/json-body';
import { installRequestLogging } from './common/http/request-logging';
import { requestTargetLimit } from './common/http/request-target';
import { describeConnectionLimits, limitConnectionsPerAddress } from './common/http/connection-limits';
import { auditLinkScope } from './audit/audit-link';
import { CredentialsService } from './auth/credentials.service';
import { opsAccess } from './auth/ops-access';
import { showRefusalsAsPages } from './auth/refusal-page';
import { consoleRefusalPage } from './admin/console/sign-in-page';
import { HubMetrics } from './metrics/hub-metrics';
import { requestMetrics } from './metrics/request-metrics';
import { createValidationPipe } from './common/validation/validation';
import { setupDocs } from './docs/openapi';
import { OperationTable } from './operations/operation-table';
import { Admission, refuseWhenBusy } from './partners/admission';
import { resolveTlsOptions } from './tls/tls-options';

export interface CreateAppOptions {
  logger?: LoggerService | false;
  /** Where the JSON log lines go (tests capture them); default stdout. */
  logDestination?: DestinationStream;
  /** A test clock instead of the system clock. */
  clock?: Clock;
  /** Swap providers (e.g. the clock) in tests. */
  configure?: (app: NestExpressApplication) => void;
  /** Connector types beside the built-in ones (tests). */
  connectors?: readonly ConnectorDefinition[];
  /** Feature modules beside the hub's own (tests): an operation in its own folder, registered here. */
  features?: readonly Type<object>[];
}

/**
 * Builds the hub exactly as production runs it (TLS, body limits, validation,
 * guards, filters); main.ts and the e2e tests both use this.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const log = createHubLogger(config.env, options.logDestination);
  const logger = options.logger ?? new PinoNestLogger(log);
  // The TLS set-up logs before Nest exists; those lines must be JSON too.
  if (logger) Logger.overrideLogger(logger);
  const tls = resolveTlsOptions(config.env);
  // Node checks header/request timeouts on this interval (default 30 s); a
  // slowloris client must be cut off close to headersTimeout, not 30 s later.
  const httpsOptions = tls && ({ ...tls, connectionsCheckingInterval: 1_000 } as typeof tls);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, options.clock, options.connectors, options.features),
    {
      httpsOptions,
      bodyParser: false,
      logger,
      abortOnError: false,
    },
  );
  // Each connection costs a file descriptor and TLS state: past the total cap Node drops new
  // ones at once, so a flood cannot use up the process's descriptors; past the per-address cap
  // this drops them too, so one client's flood cannot fill the total and starve the others.
  const server = app.getHttpServer() as Server;
  server.maxConnections = config.env.maxConnections;
  limitConnectionsPerAddress(server, config.env.maxConnectionsPerAddress);
  new Logger('Hub').log(describeConnectionLimits(config.env));
  app.disable('x-powered-by');
  // Protocol answers are never cached or revalidated: no ETag hash of every body.
  app.set('etag', false);
  app.set('trust proxy', config.env.trustProxy);
  // First: nothing reads a request's path before its length is known to be bounded.
  app.use(requestTargetLimit(log));
  app.use(jsonBody(config.env.bodyLimitBytes));
  // After the body parser: a request's log context takes the tranId from its body.
  const operations = app.get(OperationTable);
  installRequestLogging(app, log, operations);
  app.use(auditLinkScope());
  app.use(requestMetrics(app.get(HubMetrics), operations));
  // An overloaded hub refuses new work here, before authentication, validation and the audit trail.
  app.use(refuseWhenBusy(app.get(Admission), operations));
  app.use(opsAccess(config.env.opsAuth, app.get(CredentialsService)));
  // A browser refused in the console reads how to sign in, not an ErrorDetail (src/admin/console/sign-in-page.ts).
  app.use('/console', showRefusalsAsPages(consoleRefusalPage));
  app.useGlobalPipes(createValidationPipe());
  setupDocs(app);
  // After a signal's graceful shutdown, exit normally (code 0) rather than re-raise the
  // signal: the process's 'exit' event then fires, and the hub's last line says it stopped.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  options.configure?.(app);
  return app;
}

/**
 * Slow clients must not hold sockets forever (slowloris): header and body
 * time are bounded. Requests Node's parser refuses before the app sees them
 * (oversized headers, garbage, timeouts) still get an ErrorDetail body.
 */
export function hardenServer(server: Server): void {
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 65_000;
  server.maxHeadersCount = 100;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return void socket.destroy();
    const [status, reason] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout']
          : [400, 'Bad Request'];
    const body = JSON.stringify({ id: randomUUID(), errorType: 'FORMAT_ERROR', errorMessage: reason.slice(0, 40) });
    // Write the answer, then drop the socket: a slow or broken client gets no second chance.
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  });
}
