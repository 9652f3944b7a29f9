import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { connect, createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { TEST_ENV, TestHubConfigOptions, testHubConfigYaml } from '../factories/hub-config.factory';
import { testTls } from './test-tls';

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

/** A hub running as its own OS process (for kill -9 and multi-instance tests). */
export interface HubProcess {
  baseUrl: string;
  port: number;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Builds dist/ once if the compiled hub or packages are missing (npm test builds them first). */
export function ensureBuilt(): void {
  // Compiled into dist-bench/, ROOT is dist-bench/ and its dist/ a link to the project's (bench/lib/harness.ts).
  const root = existsSync(join(ROOT, 'dist')) ? resolve(realpathSync(join(ROOT, 'dist')), '..') : ROOT;
  // The hub requires @qr-hub/protocol by name, as its compiled package.
  if (existsSync(MAIN) && existsSync(join(root, 'packages', 'protocol', 'dist', 'index.js'))) return;
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** Starts `node dist/src/main.js` on `databaseUrl` and waits until it listens. */
export async function startHubProcess(
  databaseUrl: string,
  config: TestHubConfigOptions,
  port?: number,
  env: NodeJS.ProcessEnv = {},
  main: string = MAIN,
): Promise<HubProcess> {
  const chosen = port ?? (await freePort());
  const hub = spawnHub(databaseUrl, config, chosen, env, main);
  await waitListening(chosen, hub.output, hub.exited);
  return {
    baseUrl: `https://localhost:${chosen}`,
    port: chosen,
    child: hub.child,
    output: hub.output,
    kill: async (signal = 'SIGKILL') => {
      if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill(signal);
      return hub.exited;
    },
  };
}

/** Starts the hub as {@link startHubProcess} does and waits for it to exit by itself (a refused start). */
export async function runHubProcessToExit(
  databaseUrl: string,
  config: TestHubConfigOptions,
  env: NodeJS.ProcessEnv = {},
  withinMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  const hub = spawnHub(databaseUrl, config, await freePort(), env);
  const timer = setTimeout(() => hub.child.kill('SIGKILL'), withinMs);
  const code = await hub.exited;
  clearTimeout(timer);
  return { code, output: hub.output() };
}

/** `main`: this checkout's build, or another checkout's (`<root>/dist/src/main.js`, the benchmarks' before/after runs). */
function spawnHub(
  databaseUrl: string,
  config: TestHubConfigOptions,
  port: number,
  env: NodeJS.ProcessEnv,
  main = MAIN,
) {
  if (main === MAIN) ensureBuilt();
  const tls = testTls();
  const dir = mkdtempSync(join(tmpdir(), 'qr-hub-proc-'));
  const configFile = join(dir, 'hub.yaml');
  writeFileSync(configFile, testHubConfigYaml(config));
  const child = spawn(process.execPath, [main], {
    cwd: resolve(dirname(main), '..', '..'),
    env: {
      PATH: process.env.PATH,
      ...TEST_ENV,
      HUB_CONFIG: configFile,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      TLS_CERT_FILE: tls.certFile,
      TLS_KEY_FILE: tls.keyFile,
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, exited, output: () => output };
}

async function waitListening(port: number, output: () => string, exited: Promise<number | null>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (gone) throw new Error(`hub process exited:\n${output()}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`hub process did not listen on ${port}:\n${output()}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket: Socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}
