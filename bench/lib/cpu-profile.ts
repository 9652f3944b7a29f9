/**
 * Preloaded into a hub process (`NODE_OPTIONS=--require …/cpu-profile.js`,
 * since `--cpu-prof` is not allowed in NODE_OPTIONS): profiles the whole
 * process with the inspector and writes `hub-<pid>.cpuprofile` into
 * BENCH_CPU_PROF_DIR at SIGTERM or exit. Open it in Chrome DevTools or
 * summarise it with `node dist-bench/bench/lib/profile-summary.js <file>`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const dir = process.env.BENCH_CPU_PROF_DIR;
// The preload runs in worker threads too (the WAL checkpointer): profile the request thread only.
if (dir && isMainThread) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  let written = false;
  const write = (): void => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `hub-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.prependListener('SIGTERM', write);
  process.on('exit', write);
}
