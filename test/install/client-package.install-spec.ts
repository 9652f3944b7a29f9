import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { DataSource } from 'typeorm';
import { Advice } from '@app/advices/advice.entity';
import { RETAILER, SANDBOX } from '../factories/hub-config.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { poster, scanWhenWaiting } from '../utils/flows';
import { testTls } from '../utils/test-tls';

/*
 * The client package as a POS developer gets it: packed, installed into an
 * empty folder outside this repository (from the tarballs, the rest from the
 * npm registry), and used from there against a real hub. Only the `install`
 * project runs this file (the third run of `npm test`): the install needs the
 * registry, and compiles better-sqlite3 where no prebuilt binary fits.
 */
const ROOT = join(__dirname, '..', '..');
const HUB_ONLY = /^(@nestjs\/|typeorm$|pg$)/;
/** Packing, installing (compiling better-sqlite3 from source takes minutes on a 2-core machine) and starting the hub. */
const SETUP_MS = 15 * 60_000;

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of every child: without NODE_PATH, so nothing resolves from the repository by accident. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_PATH;
  return env;
}

/**
 * Runs a command without blocking this process (the hub under test lives in
 * it); killed after `timeoutMs`. `onLine` sees each stdout line as it comes.
 */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number; onLine?: (line: string) => void },
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? childEnv(), stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onLine?.(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Fails with the command's output when it did not exit 0. */
function succeeded(what: string, ran: Ran): Ran {
  if (ran.code !== 0) {
    const tail = (text: string) => text.split('\n').slice(-40).join('\n');
    throw new Error(
      `${what}: exit ${ran.code ?? ran.signal}\n--- stdout\n${tail(ran.stdout)}\n--- stderr\n${tail(ran.stderr)}`,
    );
  }
  return ran;
}

/** `npm pack` of packages/<name> into `into` (its prepack builds it); the tarball's path. */
async function pack(name: string, into: string): Promise<string> {
  const ran = succeeded(
    `npm pack packages/${name}`,
    await run('npm', ['pack', '--json', '--pack-destination', into], {
      cwd: join(ROOT, 'packages', name),
      timeoutMs: 5 * 60_000,
    }),
  );
  // prepack (the package's build) may print before the JSON.
  const [info] = JSON.parse(ran.stdout.slice(ran.stdout.indexOf('['))) as Array<{ filename: string }>;
  return join(into, info.filename);
}

interface LsNode {
  version?: string;
  dependencies?: Record<string, LsNode>;
}

/** Every package name anywhere in an `npm ls --all --json` tree. */
function namesIn(node: LsNode, into = new Set<string>()): Set<string> {
  for (const [name, child] of Object.entries(node.dependencies ?? {})) {
    into.add(name);
    namesIn(child, into);
  }
  return into;
}

/** What test/install/pos-sale.cjs prints, one JSON object a line. */
interface SaleLine {
  tranId?: string;
  result?: {
    tranId: string;
    qrCode: string;
    paid: { outcome: string; requestId: string };
    confirmation: { id: string } | null;
    notDone: unknown[];
    queueFile: string;
    resolved: Record<string, string | null>;
  };
}

function saleLine(line: string): SaleLine | undefined {
  try {
    return JSON.parse(line) as SaleLine;
  } catch {
    return undefined;
  }
}

describe('the packed client package, installed on its own', () => {
  let dir: string;
  /** The POS project the packages are installed into: an empty folder outside the repository. */
  let pos: string;
  let hub: TestApp | undefined;

  beforeAll(async () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'qr-hub-install-')));
    const packs = join(dir, 'packs');
    pos = join(dir, 'pos');
    mkdirSync(packs);
    mkdirSync(pos);
    const protocol = await pack('protocol', packs);
    const client = await pack('client', packs);

    // A POS project's package.json. allowScripts lets better-sqlite3's install script (its prebuilt
    // binary, or a build from source) run under npm versions that run only the scripts allowed.
    writeFileSync(
      join(pos, 'package.json'),
      `${JSON.stringify({ name: 'pos-install-check', version: '1.0.0', private: true, allowScripts: { 'better-sqlite3': true } }, null, 2)}\n`,
    );
    succeeded(
      'npm install of the packed packages',
      await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', protocol, client], {
        cwd: pos,
        timeoutMs: SETUP_MS - 60_000,
      }),
    );

    hub = await createTestApp({ scanWaitMs: 30_000, initialDelayMs: 50, maxDelayMs: 200 });
  }, SETUP_MS);

  afterAll(async () => {
    await hub?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has no NestJS, TypeORM or pg anywhere in its dependency tree', async () => {
    const ran = await run('npm', ['ls', '--all', '--json'], { cwd: pos, timeoutMs: 120_000 });
    const tree = JSON.parse(ran.stdout) as LsNode & { problems?: string[] };
    expect(tree.problems).toBeUndefined();
    expect(ran.code).toBe(0);
    const names = [...namesIn(tree)];
    expect(names).toEqual(expect.arrayContaining(['@qr-hub/client', '@qr-hub/protocol', 'better-sqlite3', 'qrcode']));
    expect(names.filter((name) => HUB_ONLY.test(name))).toEqual([]);
    // And nothing of the kind on disk either.
    for (const path of ['@nestjs', 'typeorm', 'pg']) expect(existsSync(join(pos, 'node_modules', path))).toBe(false);
  });

  it('sells from a CommonJS script in the install folder: QR code, the wallet scans, approved, confirmation accepted', async () => {
    if (!hub) throw new Error('no hub');
    const baseUrl = hub.baseUrl;
    copyFileSync(join(__dirname, 'pos-sale.cjs'), join(pos, 'sale.cjs'));
    let scanned: Promise<number | string> | undefined;
    const ran = await run(process.execPath, ['sale.cjs'], {
      cwd: pos,
      env: childEnv({
        QR_HUB_URL: baseUrl,
        QR_HUB_USER: RETAILER.id,
        QR_HUB_PASSWORD: RETAILER.password,
        QR_HUB_CA: testTls().certFile,
      }),
      timeoutMs: 90_000,
      // The customer's wallet (the sandbox partner) scans the code the POS shows; the POS's pay waits for it.
      onLine: (line) => {
        const tranId = saleLine(line)?.tranId;
        if (tranId && !scanned) {
          scanned = scanWhenWaiting(poster(baseUrl), tranId, SANDBOX, 500).then(
            (res) => res.status,
            (err: unknown) => String(err),
          );
        }
      },
    });
    succeeded('the sale script', ran);
    await expect(scanned).resolves.toBe(202);

    const result = ran.stdout
      .split('\n')
      .map(saleLine)
      .find((line) => line?.result)?.result;
    if (!result) throw new Error(`no result from the sale script:\n${ran.stdout}`);
    expect(result).toMatchObject({
      paid: {
        outcome: 'approved',
        response: { tranId: result.tranId, partner: { id: SANDBOX.id }, amounts: { approvedAmount: { amount: 1250 } } },
      },
      confirmation: { kind: 'confirmation', status: 'done', lastStatus: 202 },
      notDone: [],
      queueFile: 'data/pos-queue.sqlite',
    });
    expect(existsSync(join(pos, 'data', 'pos-queue.sqlite'))).toBe(true);

    // The library and its dependencies came from the install folder; the hub's frameworks are not there.
    const installed = `${join(pos, 'node_modules')}${sep}`;
    for (const name of ['@qr-hub/client', '@qr-hub/protocol', 'better-sqlite3']) {
      expect({ name, path: result.resolved[name] }).toEqual({ name, path: expect.stringContaining(installed) });
    }
    expect(result.resolved).toMatchObject({ '@nestjs/core': null, typeorm: null, pg: null });

    // The hub took the confirmation of that very payment.
    const stored = await hub.app
      .get(DataSource)
      .getRepository(Advice)
      .findOneBy({ id: result.confirmation?.id ?? 'none' });
    expect(stored).toMatchObject({ kind: 'CONFIRMATION', requestId: result.paid.requestId, answerStatus: 202 });
  }, 120_000);

  it('runs the qr-pos command from the install folder', async () => {
    const bin = join(pos, 'node_modules', '.bin', 'qr-pos');
    expect(realpathSync(bin)).toBe(join(pos, 'node_modules', '@qr-hub', 'client', 'bin', 'qr-pos.js'));
    const ran = succeeded('qr-pos --help', await run(bin, ['--help'], { cwd: pos, timeoutMs: 30_000 }));
    expect(ran.stdout).toMatch(/^Usage: qr-pos <command>/);
    expect(ran.stdout).toContain('pay --amount 12.50');
  });

  it('qr-pos pay --sandbox-scan sells against the hub from the install folder', async () => {
    if (!hub) throw new Error('no hub');
    const ran = await run(
      join(pos, 'node_modules', '.bin', 'qr-pos'),
      [
        'pay',
        '--amount',
        '3.00',
        '--sandbox-scan',
        '--scan-delay',
        '0',
        '--brief',
        '--hub',
        hub.baseUrl,
        '--user',
        RETAILER.id,
        '--password',
        RETAILER.password,
        '--ca',
        testTls().certFile,
        '--partner-user',
        SANDBOX.id,
        '--partner-password',
        SANDBOX.password,
        '--queue',
        'data/qr-pos.sqlite',
      ],
      { cwd: pos, timeoutMs: 90_000 },
    );
    succeeded('qr-pos pay', ran);
    expect(ran.stdout).toContain(`APPROVED by ${SANDBOX.id}: 3.00`);
    expect(ran.stdout).toMatch(/DONE +confirmation .* last answer 202/);
    expect(existsSync(join(pos, 'data', 'qr-pos.sqlite'))).toBe(true);
  }, 120_000);
});
