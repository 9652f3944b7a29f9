/**
 * The createQrCode pipeline without storage or QR work, as a baseline for
 * bench/create-qr-code.bench.ts: HTTPS with the test certificate, the hub's
 * JSON body parser, @nestjs/passport + passport-http Basic auth with a
 * verified-credentials cache (scrypt once, then an HMAC lookup, like
 * src/auth/credentials.service.ts), the hub's global ValidationPipe on
 * CreateQrCodeRequestDto, and 201 with a static body the size of a real answer.
 *
 * Run: PORT=9555 node dist-bench/bench/bare-app.js (prints "listening <port>").
 */
import 'reflect-metadata';
import { createHmac, randomBytes } from 'node:crypto';
import { Body, Controller, ExecutionContext, HttpCode, Injectable, Module, Post } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { NestExpressApplication } from '@nestjs/platform-express';
import { BasicStrategy as PassportBasicStrategy } from 'passport-http';
import { hashPassword, verifyPasswordHash } from '@app/common/password-hash';
import type { Principal } from '@app/auth/principal';
import { CreateQrCodeRequestDto } from '@app/common/dto/create-qr-code-request.dto';
import { jsonBody } from '@app/common/http/json-body';
import { createValidationPipe } from '@app/common/validation/validation';
import { RETAILER } from '../test/factories/hub-config.factory';
import { aCreateQrCodeRequest } from '../test/factories/messages.factory';
import { testTls } from '../test/utils/test-tls';

/** The retailer's password as a stored scrypt hash (made at start-up). */
let retailerHash = '';

@Injectable()
class CachedCredentials {
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, Principal>();

  async authenticate(username: string, password: string): Promise<Principal | null> {
    const digest = createHmac('sha256', this.key).update(username).update('\0').update(password).digest('base64');
    const cached = this.verified.get(digest);
    if (cached) return cached;
    if (username !== RETAILER.id || !(await verifyPasswordHash(retailerHash, password))) return null;
    const principal: Principal = { id: username, name: 'Bench Retailer', role: 'retailer' };
    this.verified.set(digest, principal);
    return principal;
  }
}

@Injectable()
class BasicStrategy extends PassportStrategy(PassportBasicStrategy, 'basic') {
  constructor(private readonly credentials: CachedCredentials) {
    super({ realm: 'qr' });
  }

  async validate(username: string, password: string): Promise<Principal | false> {
    return (await this.credentials.authenticate(username, password)) ?? false;
  }
}

@Injectable()
class BasicGuard extends AuthGuard('basic') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    return true;
  }
}

/** A CreateQrCodeResponse-sized answer, built once. */
const request = aCreateQrCodeRequest();
const ANSWER = {
  ...request,
  thirdPartyIdentifiers: [
    ...(request.thirdPartyIdentifiers ?? []),
    { institutionId: 'qr-hub', transactionIdentifier: 'f82d7f64feea4f2ab24da94aaf5c2941' },
  ],
  qrProperties: { ...request.qrProperties, expiryDate: new Date(Date.now() + 300_000).toISOString() },
  tranId: 'f82d7f64feea4f2ab24da94aaf5c2941',
  qrCode: '00020126500010za.co.elec0132f82d7f64feea4f2ab24da94aaf5c2941',
};

@Controller('qr/v1/qrCodes')
class BareQrCodesController {
  @Post()
  @HttpCode(201)
  create(@Body() body: CreateQrCodeRequestDto): typeof ANSWER {
    void body;
    return ANSWER;
  }
}

@Module({
  imports: [PassportModule.register({ session: false })],
  controllers: [BareQrCodesController],
  providers: [CachedCredentials, BasicStrategy, { provide: APP_GUARD, useClass: BasicGuard }],
})
class BareModule {}

async function main(): Promise<void> {
  retailerHash = await hashPassword(RETAILER.password);
  const tls = testTls();
  const app = await NestFactory.create<NestExpressApplication>(BareModule, {
    httpsOptions: { cert: tls.cert, key: tls.key },
    bodyParser: false,
    logger: ['error'],
  });
  app.disable('x-powered-by');
  app.set('etag', false); // as the hub does
  app.use(jsonBody(65_536));
  app.useGlobalPipes(createValidationPipe());
  const server = app.getHttpServer();
  server.keepAliveTimeout = 65_000;
  const port = Number(process.env.PORT ?? 9555);
  await app.listen(port, '127.0.0.1');
  process.stdout.write(`listening ${port}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`bare app failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
