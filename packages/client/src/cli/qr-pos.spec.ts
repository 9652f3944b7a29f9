import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdviceQueue } from '../advice-queue';
import { formatAmount, parseAmount } from './demo-sale';
import { EXIT } from './pos-commands';
import { main } from './qr-pos';

describe('qr-pos amounts', () => {
  it.each([
    ['12.50', 1250],
    ['12.5', 1250],
    ['12', 1200],
    ['0.07', 7],
    ['1091.91', 109191],
  ])('%s is %i minor units', (text, minor) => {
    expect(parseAmount(text)).toBe(minor);
    expect(parseAmount(formatAmount(minor))).toBe(minor);
  });

  it.each(['12.505', '-1', '1e3', '12,50', '', 'abc', '12.'])('refuses %j rather than guess', (text) => {
    expect(() => parseAmount(text)).toThrow(/--amount/);
  });
});

describe('qr-pos command line', () => {
  let dir: string;
  let out: string[];
  const run = (...argv: string[]) => main(argv, { QR_POS_QUEUE: join(dir, 'q.sqlite') }, (l) => out.push(l));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qr-pos-cli-'));
    out = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the usage for --help (0) and without a command (1)', async () => {
    await expect(run('--help')).resolves.toBe(EXIT.ok);
    expect(out.join('\n')).toMatch(/^Usage: qr-pos <command>/);
    await expect(run()).resolves.toBe(EXIT.error);
  });

  it('names what is wrong with a command line', async () => {
    await expect(run('refund')).rejects.toThrow(/unknown command "refund"/);
    await expect(run('pay')).rejects.toThrow(/--amount/);
    await expect(run('pay', '--amount', '1.00', '--currency', 'ZAR')).rejects.toThrow(/--currency/);
    await expect(run('queue', '--timeout', 'soon')).rejects.toThrow(/--timeout/);
    await expect(run('queue', '--colour')).rejects.toThrow(/Unknown option/);
  });

  it('queue lists the advices not yet done from the file named by QR_POS_QUEUE (--all: every one)', async () => {
    const queue = new AdviceQueue(join(dir, 'q.sqlite'));
    const advice = { requestId: 'r', time: '2026-01-01T00:00:00Z', thirdPartyIdentifiers: [] };
    queue.enqueue('reversal', '1234', { ...advice, id: 'a-pending', reversalReason: 'TIMEOUT' });
    queue.enqueue('confirmation', '1234', { ...advice, id: 'a-done' });
    queue.markDone('a-done', 202);
    queue.close();

    await expect(run('queue')).resolves.toBe(EXIT.ok);
    expect(out[0]).toMatch(/^1 advice\(s\) in .*q\.sqlite not yet done$/);
    expect(out[1]).toMatch(/PENDING reversal +a-pending of payment r \[1234\] attempts 0/);
    out = [];
    await run('queue', '--all');
    // Oldest first; both were queued within the same millisecond here, so only the set is certain.
    expect(
      out
        .slice(1)
        .map((l) => l.trim().split(/ +/)[0])
        .sort(),
    ).toEqual(['DONE', 'PENDING']);
  });
});
