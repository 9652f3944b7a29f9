import { stringify } from 'yaml';
import { ConfigError, HubConfig, parseHubConfig } from '@app/config/load-hub-config';

/** The smallest valid config, with `retention` as given. */
function withRetention(retention?: unknown): string {
  return stringify({
    institutions: [{ id: 'shop', name: 'Shop', role: 'retailer', password: { env: 'SHOP_PASSWORD' } }],
    ...(retention === undefined ? {} : { retention }),
  });
}

const parse = (retention?: unknown): HubConfig =>
  parseHubConfig(withRetention(retention), { sourcePath: '/etc/hub/hub.yaml', env: { SHOP_PASSWORD: 'x' } });

function problems(retention: unknown): string[] {
  try {
    parse(retention);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => p.replace(/ \(line \d+\)$/, ''));
  }
  throw new Error('expected the config to be refused');
}

describe('hub config: retention section', () => {
  it('defaults suit a payments operator: payments 400 days, audit and unused QR codes 90, instances 30', () => {
    expect(parse().retention).toEqual({
      auditDays: 90,
      paymentsDays: 400,
      qrCodesDays: 90,
      instancesDays: 30,
      purgeIntervalMinutes: 60,
      batchSize: 500,
      batchPauseMs: 100,
    });
  });

  it('takes each key, and `forever` keeps a kind for good (null)', () => {
    const r = parse({
      auditDays: 30,
      paymentsDays: 'forever',
      qrCodesDays: 7,
      instancesDays: 1,
      purgeIntervalMinutes: 15,
      batchSize: 100,
      batchPauseMs: 0,
    }).retention;
    expect(r).toEqual({
      auditDays: 30,
      paymentsDays: null,
      qrCodesDays: 7,
      instancesDays: 1,
      purgeIntervalMinutes: 15,
      batchSize: 100,
      batchPauseMs: 0,
    });
  });

  it('a partial section keeps the other defaults', () => {
    expect(parse({ auditDays: 180 }).retention).toMatchObject({ auditDays: 180, paymentsDays: 400, batchSize: 500 });
  });

  it('refuses days that are not whole numbers from 1 to 36500 or forever, naming the key', () => {
    expect(problems({ auditDays: 0, paymentsDays: 1.5, qrCodesDays: 'never', instancesDays: 36_501 })).toEqual([
      'retention.auditDays: must be a whole number of days from 1 to 36500, or forever',
      'retention.paymentsDays: must be a whole number of days from 1 to 36500, or forever',
      'retention.qrCodesDays: must be a whole number of days from 1 to 36500, or forever',
      'retention.instancesDays: must be a whole number of days from 1 to 36500, or forever',
    ]);
  });

  it('refuses batches and intervals out of range', () => {
    expect(problems({ purgeIntervalMinutes: 0, batchSize: 20_000, batchPauseMs: -1 })).toEqual([
      'retention.purgeIntervalMinutes: must be a whole number from 1 to 10080',
      'retention.batchSize: must be a whole number from 1 to 10000',
      'retention.batchPauseMs: must be a whole number from 0 to 60000',
    ]);
  });

  it('refuses an unknown key with a suggestion, and a section that is not a mapping', () => {
    expect(problems({ auditdays: 30 })).toEqual(["retention.auditdays: unknown key; did you mean 'auditDays'?"]);
    expect(problems(90)).toEqual(['retention: must be a mapping (key: value)']);
  });
});
