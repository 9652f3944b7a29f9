import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { HubProcess, startHubProcess } from '../utils/hub-process';
import { createTestDatabase, TestDatabase } from '../utils/test-database';
import { testTls } from '../utils/test-tls';
import { waitFor } from '../utils/flows';

const ROOT = resolve(__dirname, '..', '..');
const README_URL = 'https://localhost:8443';

/** The shell commands of the README's "Try it" section: its sh blocks, comments dropped, `\` lines joined. */
export function tryItCommands(readme: string): string[] {
  const section = /^## Try it\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
  const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1]);
  return blocks
    .join('\n')
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

interface Run {
  status: number;
  output: string;
}

/** Runs one README command with /bin/sh in `cwd`, against `baseUrl` instead of the README's URL. */
function run(command: string, cwd: string, baseUrl: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn('/bin/sh', ['-c', command.split(README_URL).join(baseUrl)], { cwd });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', fail);
    child.once('exit', (code) => {
      const status = /HTTP (\d{3})\s*$/.exec(output);
      if (code !== 0 || !status) fail(new Error(`\`${command}\` exited ${code}:\n${output}`));
      else done({ status: Number(status[1]), output });
    });
  });
}

describe('the README\'s "Try it" commands, copied as they are', () => {
  jest.setTimeout(120_000);
  let db: TestDatabase;
  let hub: HubProcess;
  let cwd: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // The shipped demo config and its demo credentials, as after `npm start`.
    hub = await startHubProcess(db.url, {}, undefined, { HUB_CONFIG: join(ROOT, 'config', 'hub.yaml') });
    // A folder like the repository's root, with its own data/ for the answers the commands keep.
    cwd = mkdtempSync(join(tmpdir(), 'qr-hub-readme-'));
    symlinkSync(join(ROOT, 'scripts'), join(cwd, 'scripts'));
    symlinkSync(join(ROOT, 'docs'), join(cwd, 'docs'));
    mkdirSync(join(cwd, 'data'));
  });
  afterAll(async () => {
    await hub?.kill();
    await db?.drop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  const waitingForScan = async (): Promise<boolean> => {
    const metrics = await request(hub.baseUrl).get('/metrics').ca(testTls().cert);
    return /^qrhub_payments_waiting_for_scan 1$/m.test(metrics.text);
  };

  it('are four: QR code, payment, scan, confirmation', () => {
    const commands = tryItCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(commands.map((c) => /\/qr\/v1\/[\w/]+/.exec(c)?.[0])).toEqual([
      '/qr/v1/qrCodes',
      '/qr/v1/payments',
      '/qr/v1/scans',
      '/qr/v1/payments/confirmations',
    ]);
  });

  it.each([1, 2])('create a code, pay on the scan and confirm (run %i)', async () => {
    const [qrCode, pay, scan, confirm] = tryItCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));

    expect((await run(qrCode, cwd, hub.baseUrl)).status).toBe(201);
    const paying = run(pay, cwd, hub.baseUrl);
    await waitFor('the payment to wait for its scan', waitingForScan);
    expect((await run(scan, cwd, hub.baseUrl)).status).toBe(202);
    const paid = await paying;
    expect(paid.status).toBe(201);
    expect(paid.output).toContain('"sandbox"');
    expect((await run(confirm, cwd, hub.baseUrl)).status).toBe(202);
  });
});
