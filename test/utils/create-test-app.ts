import type { Type } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import type { ConnectorDefinition } from '@qr-hub/connector-kit';
import { AppConfig } from '@app/config/app-config';
import { loadEnv } from '@app/config/env.validation';
import { parseHubConfig } from '@app/config/load-hub-config';
import { Clock } from '@app/clock/clock';
import { createApp, hardenServer } from '@app/create-app';
import { TEST_ENV, TestHubConfigOptions, testHubConfigYaml } from '../factories/hub-config.factory';
import { createTestDatabase, TestDatabase } from './test-database';
import { testTls } from './test-tls';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  baseUrl: string;
  db: TestDatabase;
  /** Sends a JSON POST with Basic auth over real HTTPS, trusting the test CA. */
  post(path: string, body: unknown, auth?: { id: string; password: string }): request.Test;
  raw(): request.Agent;
  close(): Promise<void>;
}

export interface TestAppOptions extends TestHubConfigOptions {
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  /** Reuse a database (e.g. to restart a hub on the same store). */
  database?: TestDatabase;
  /** Capture the hub's JSON log lines (at env LOG_LEVEL, default silent); Nest's own logs included. */
  logDestination?: DestinationStream;
  /** Connector types beside the built-in ones, and partners on them (`partners:` entries as YAML flow maps). */
  connectors?: readonly ConnectorDefinition[];
  /** Feature modules beside the hub's own (e.g. a fixture operation in its own folder). */
  features?: readonly Type<object>[];
}

/** Boots the real hub over HTTPS on a fresh database and a free port. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const tls = testTls();
  const db = options.database ?? (await createTestDatabase());
  const env = loadEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    TLS_CERT_FILE: tls.certFile,
    TLS_KEY_FILE: tls.keyFile,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const hub = parseHubConfig(testHubConfigYaml(options), { sourcePath: 'test-hub.yaml', env: TEST_ENV });
  const config = new AppConfig(env, hub);
  const app = await createApp(config, {
    clock: options.clock,
    connectors: options.connectors,
    features: options.features,
    ...(options.logDestination ? { logDestination: options.logDestination } : { logger: false }),
  });
  hardenServer(app.getHttpServer());
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    // A hub that refuses to start (e.g. a route declaring no role) must not keep its store open.
    await app.close().catch(() => undefined);
    if (!options.database) await db.drop();
    throw error;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const baseUrl = `https://localhost:${port}`;
  const agent = request.agent(baseUrl).ca(tls.cert);

  return {
    app,
    config,
    baseUrl,
    db,
    post(path, body, auth) {
      const req = request(baseUrl).post(path).ca(tls.cert).set('Content-Type', 'application/json');
      if (auth) req.auth(auth.id, auth.password);
      return req.send(body as object);
    },
    raw: () => agent,
    async close() {
      await app.close();
      if (!options.database) await db.drop();
    },
  };
}
