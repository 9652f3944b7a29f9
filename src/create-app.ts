import type { Server } from 'node:http';
import { LoggerService } from '@nestjs/common';
import { createLogger } from './common/logger';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { Clock } from './clock/clock';
import { AppConfig } from './config/app-config';
import { jsonBody } from './common/http/json-body';
import { createValidationPipe } from './common/validation/validation';
import { resolveTlsOptions } from './tls/tls-options';

export interface CreateAppOptions {
  logger?: LoggerService | false;
  /** A test clock instead of the system clock. */
  clock?: Clock;
  /** Swap providers (e.g. the clock) in tests. */
  configure?: (app: NestExpressApplication) => void;
}

/**
 * Builds the hub exactly as production runs it (TLS, body limits, validation,
 * guards, filters); main.ts and the e2e tests both use this.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const httpsOptions = resolveTlsOptions(config.env);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options.clock), {
    httpsOptions,
    bodyParser: false,
    logger: options.logger ?? createLogger(config.env),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.set('trust proxy', config.env.tls.disabled ? 'loopback, linklocal, uniquelocal' : false);
  app.use(jsonBody(config.env.bodyLimitBytes));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  options.configure?.(app);
  return app;
}

/** Slow clients must not hold sockets forever (slowloris): bound header and body time. */
export function hardenServer(server: Server): void {
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 65_000;
  server.maxHeadersCount = 100;
}
