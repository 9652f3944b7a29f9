import { Logger } from '@nestjs/common';
import { Worker } from 'node:worker_threads';

/** How often the background thread folds the write-ahead log into the database file. */
export const CHECKPOINT_INTERVAL_MS = 100;
/**
 * The request thread's own automatic checkpoint, in pages: only a safety net
 * for when the background thread cannot keep up or has died (SQLite's default
 * is 1,000 pages).
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

/*
 * Plain JavaScript run with `eval`, so the same code works from the compiled
 * hub and from the TypeScript test runs; better-sqlite3 is handed in by path.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage({ error: String(error && error.message) }); }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); checkpoint(); db.close(); process.exit(0); });
`;

/**
 * Runs SQLite's WAL checkpoints on a thread of their own.
 *
 * Why: better-sqlite3 is synchronous, and with SQLite's default automatic
 * checkpoint every ~1,000 pages the commit that crosses the line copies the
 * log into the database file and fsyncs both — 5–10 ms during which the hub's
 * one request thread serves nobody (docs/benchmarks.md: 144 such commits in a
 * 10 s full-flow run cost 1.1 s). A PASSIVE checkpoint from a second
 * connection never blocks the writer, and the commit itself keeps exactly the
 * durability it had (WAL, synchronous as configured). The request
 * connection's own automatic checkpoint stays on at a high mark, so the log
 * stays bounded if this thread ever stops.
 */
export class WalCheckpointer {
  private readonly logger = new Logger(WalCheckpointer.name);
  private readonly worker: Worker;
  private stopped = false;

  constructor(file: string, intervalMs = CHECKPOINT_INTERVAL_MS) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, intervalMs, driver: require.resolve('better-sqlite3') },
    });
    this.worker.unref();
    this.worker.on('message', (m: { error?: string }) => {
      if (m.error) this.logger.warn(`WAL checkpoint failed (the next one retries): ${m.error}`);
    });
    this.worker.on('error', (error) => this.logger.error(`WAL checkpoint thread stopped: ${error.message}`));
  }

  /** A last checkpoint, then the thread ends. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('stop');
    await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref())]);
    await this.worker.terminate();
  }
}
