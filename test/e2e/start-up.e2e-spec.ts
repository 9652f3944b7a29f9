import { existsSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, HubProcess, runHubProcessToExit, startHubProcess } from '../utils/hub-process';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

/** Runs the hub expecting it to refuse to start (DATABASE_URL and PORT from `env`); resolves with its exit code and output. */
const failedStart = (env: NodeJS.ProcessEnv) => runHubProcessToExit(env.DATABASE_URL ?? 'sqlite::memory:', {}, env);

/** The last line the process wrote, without the trailing newline. */
const lastLine = (output: string): string => output.trimEnd().split('\n').pop() ?? '';

describe('start-up and stop: what the hub says', () => {
  jest.setTimeout(120_000);

  describe('a hub that starts', () => {
    let db: TestDatabase;
    let hub: HubProcess;

    beforeAll(async () => {
      db = await createTestDatabase();
      hub = await startHubProcess(db.url, {}, undefined, { LOG_LEVEL: 'info' });
    });
    afterAll(async () => {
      await hub?.kill();
      await db?.drop();
    });

    it('points to the console, the API docs and the demo in its banner', async () => {
      const banner = await waitForOutput(hub, /npm run demo/);
      expect(banner).toContain(`https://127.0.0.1:${hub.port}/console`);
      expect(banner).toContain(`https://127.0.0.1:${hub.port}/docs`);
      expect(banner).toContain('node scripts/example.js qr-code');
    });

    it('says it stopped, as its last line, after SIGTERM', async () => {
      await hub.kill('SIGTERM');
      expect(JSON.parse(lastLine(hub.output()))).toMatchObject({
        context: 'Hub',
        msg: 'QR payment hub stopped (exit code 0)',
      });
    });
  });

  it('names PORT when the port is taken', async () => {
    const taken: Server = createServer();
    const port = await freePort();
    await new Promise<void>((done) => taken.listen(port, '127.0.0.1', done));
    try {
      const { code, output } = await failedStart({ PORT: String(port), DATABASE_URL: 'sqlite::memory:' });
      expect(code).toBe(1);
      expect(lastLine(output)).toBe(
        `Hub failed to start: port ${port} is already in use (PORT): stop the other process or set PORT`,
      );
    } finally {
      taken.close();
    }
  });

  it('refuses an sqlite: path whose folder does not exist, naming DATABASE_URL (and makes no folder)', async () => {
    const missing = join(tmpdir(), `qr-hub-missing-${process.pid}`, 'hub.sqlite');
    const { code, output } = await failedStart({ PORT: String(await freePort()), DATABASE_URL: `sqlite:${missing}` });
    expect(code).toBe(1);
    expect(lastLine(output)).toContain(`Hub failed to start: DATABASE_URL sqlite:${missing}: the folder`);
    expect(lastLine(output)).toContain('does not exist');
    expect(existsSync(dirname(missing))).toBe(false);
  });

  it('names DATABASE_URL, password masked, when the database cannot be reached', async () => {
    const nothing = await freePort();
    const url = `postgres://hub:s3cret-pw@127.0.0.1:${nothing}/hub`;
    const { code, output } = await failedStart({ PORT: String(await freePort()), DATABASE_URL: url });
    expect(code).toBe(1);
    expect(lastLine(output)).toBe(
      `Hub failed to start: DATABASE_URL postgres://hub:***@127.0.0.1:${nothing}/hub: connect ECONNREFUSED 127.0.0.1:${nothing}`,
    );
    expect(output).not.toContain('s3cret-pw');
  });
});

async function waitForOutput(hub: HubProcess, pattern: RegExp): Promise<string> {
  const until = Date.now() + 20_000;
  while (!pattern.test(hub.output())) {
    if (Date.now() > until) throw new Error(`no ${String(pattern)} in:\n${hub.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return hub.output();
}
