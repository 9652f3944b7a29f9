import { Body, Controller, Injectable, Logger, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { json } from 'express';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { installRequestLogging } from '@app/common/http/request-logging';
import { OperationTable } from '@app/operations/operation-table';
import { createHubLogger, PinoNestLogger } from '@app/common/logger';
import { maskSecretsInText } from '@app/common/masking';

type Line = Record<string, unknown>;

function capture(): DestinationStream & { text: () => string; lines: () => Line[] } {
  const chunks: string[] = [];
  const text = () => chunks.join('');
  return {
    write: (chunk: string) => void chunks.push(chunk),
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Line),
  };
}

const CARD = '4111111111111111';

describe('maskSecretsInText', () => {
  it.each([
    [`card ${CARD} declined`, 'card 411111********** declined'],
    ['pan=5500000000000004;', 'pan=550000**********;'],
    ['{"partnerPaymentToken":"tok-123","amount":1}', '{"partnerPaymentToken":"***","amount":1}'],
    ['password=hunter2&user=x', 'password=***&user=x'],
    ['Authorization: Basic MTIzNDpzZWNyZXQ=', 'Authorization: ***'],
  ])('masks %s', (text, masked) => {
    expect(maskSecretsInText(text)).toBe(masked);
  });

  it.each([
    ['a UUID', 'payment 7a1e8c52-3b1f-4d6e-9c1a-201512345678 done'],
    ['a hex tranId', 'tranId f82d7f64feea4f2ab24da94aaf5c2941'],
    ['a short number', 'amount 79995 of 710'],
    ['digits inside a word', 'ref ABC12345678901234XYZ'],
  ])('leaves %s alone', (_what, text) => {
    expect(maskSecretsInText(text)).toBe(text);
  });
});

describe('hub logger', () => {
  const env = { logLevel: 'debug' } as const;

  it('masks secrets in fields at any depth, in messages and in errors, keeps the rest', () => {
    const out = capture();
    const log = createHubLogger(env, out);
    log.info({ scan: { partnerPaymentToken: 'tok-1', deep: [{ cardNumber: CARD, password: 'pw' }] } }, 'scan');
    log.warn(`could not charge ${CARD} with "partnerPaymentToken":"tok-2"`);
    log.error({ err: new Error(`upstream said ${CARD}`) }, 'failed');
    log.info({ headers: { authorization: 'Basic abc' }, tranId: 'f82d7f64feea4f2ab24da94aaf5c2941' });
    const text = out.text();
    for (const secret of [CARD, 'tok-1', 'tok-2', '"pw"', 'Basic abc']) expect(text).not.toContain(secret);
    const [scan, warn, error, headers] = out.lines();
    expect(scan.scan).toEqual({
      partnerPaymentToken: '***',
      deep: [{ cardNumber: '411111**********', password: '***' }],
    });
    expect(warn.msg).toBe('could not charge 411111********** with "partnerPaymentToken":"***"');
    expect((error.err as Line).message).toBe('upstream said 411111**********');
    expect(headers).toMatchObject({ headers: { authorization: '***' }, tranId: 'f82d7f64feea4f2ab24da94aaf5c2941' });
  });

  it('writes nothing at LOG_LEVEL=silent', () => {
    const out = capture();
    const log = createHubLogger({ logLevel: 'silent' }, out);
    log.fatal('gone');
    new PinoNestLogger(log).error('also gone', 'Ctx');
    expect(out.text()).toBe('');
  });

  it("takes Nest's context and stack arguments apart", () => {
    const out = capture();
    const nest = new PinoNestLogger(createHubLogger(env, out));
    nest.log('started', 'NestApplication');
    nest.error('boom', 'Error: boom\n    at x', 'Errors');
    nest.verbose({ detail: 1 }, 'Deep'); // verbose is pino's trace: below debug, so not written
    nest.log('AppModule dependencies initialized', 'InstanceLoader');
    expect(out.lines()).toEqual([
      expect.objectContaining({ level: 'info', context: 'NestApplication', msg: 'started' }),
      expect.objectContaining({ level: 'error', context: 'Errors', stack: 'Error: boom\n    at x', msg: 'boom' }),
      // Nest's start-up listing of modules and routes is debug, not info.
      expect.objectContaining({ level: 'debug', context: 'InstanceLoader' }),
    ]);
  });
});

@Injectable()
class ChargeService {
  private readonly logger = new Logger(ChargeService.name);

  charge(cardNumber: string): { tranId: string } {
    // A service knows nothing of requests, yet its lines must name them.
    this.logger.log(`charging ${cardNumber}`);
    return { tranId: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0' };
  }
}

@Controller('charges')
class ChargeController {
  constructor(private readonly charges: ChargeService) {}

  @Post()
  charge(@Body() body: { cardNumber: string }): { tranId: string } {
    return this.charges.charge(body.cardNumber);
  }
}

describe('request logging', () => {
  it("gives lines written by services during a request that request's id, and the tranId once known", async () => {
    const out = capture();
    const log = createHubLogger({ logLevel: 'info' }, out);
    const moduleRef = await Test.createTestingModule({ controllers: [ChargeController], providers: [ChargeService] })
      .setLogger(new PinoNestLogger(log))
      .compile();
    const app = moduleRef.createNestApplication({ bodyParser: false });
    app.use(json());
    installRequestLogging(app, log, new OperationTable([]));
    await app.init();
    try {
      await request(app.getHttpServer())
        .post('/charges')
        .set('X-Request-Id', 'req-1')
        .auth('1234', 'retailer-secret')
        .send({ cardNumber: CARD, partnerPaymentToken: 'tok-9' })
        .expect(201);
    } finally {
      await app.close();
    }
    const lines = out.lines().filter((l) => l.reqId === 'req-1');
    expect(lines).toEqual([
      expect.objectContaining({ context: 'ChargeService', msg: 'charging 411111**********' }),
      expect.objectContaining({ tranId: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0', msg: 'POST /charges 201' }),
    ]);
    for (const secret of [CARD, 'tok-9', 'retailer-secret', Buffer.from('1234:retailer-secret').toString('base64')]) {
      expect(out.text()).not.toContain(secret);
    }
  });
});
