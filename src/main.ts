import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, hardenServer } from './create-app';
import { loadAppConfig } from './config/config.module';
import { assertProductionReady } from './config/production-checks';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Hub');
  const config = loadAppConfig();
  await assertProductionReady(config.hub, config.env);
  const app = await createApp(config);
  hardenServer(app.getHttpServer());
  await app.listen(config.env.port, config.env.host);

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

function describeDb(url: string): string {
  return url.startsWith('sqlite:') ? url : url.replace(/\/\/[^@]*@/, '//***@');
}

bootstrap().catch((error: unknown) => {
  // A bad config or certificate stops start-up with its message, not a stack dump.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Hub failed to start: ${message}\n`);
  process.exit(1);
});
