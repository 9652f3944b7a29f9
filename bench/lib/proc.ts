import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** A `/proc/<pid>/status` field in KiB (VmRSS, VmHWM, …), or NaN when the process is gone. */
export function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's resident set size every `intervalMs` (VmRSS), as the kernel reports it. */
export class RssSampler {
  private timer: NodeJS.Timeout | null = null;
  readonly samples: Array<{ at: number; kiB: number }> = [];

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 200,
  ) {}

  start(): this {
    const sample = (): void => {
      const kiB = statusKiB(this.pid, 'VmRSS');
      if (Number.isFinite(kiB)) this.samples.push({ at: Date.now(), kiB });
    };
    sample();
    this.timer = setInterval(sample, this.intervalMs);
    return this;
  }

  stop(): { peakKiB: number; lastKiB: number; hwmKiB: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const peakKiB = this.samples.reduce((m, s) => Math.max(m, s.kiB), 0);
    return { peakKiB, lastKiB: this.samples.at(-1)?.kiB ?? Number.NaN, hwmKiB: statusKiB(this.pid, 'VmHWM') };
  }
}

/** CPU use of a process between `start()` and `stop()`, as a share of one core. */
export function cpuMeter(pid: number): { stop(): number } {
  const cpu0 = cpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  return {
    stop: () => (cpuSeconds(pid) - cpu0) / (Number(process.hrtime.bigint() - t0) / 1e9),
  };
}

export const mib = (kiB: number): string => `${(kiB / 1024).toFixed(0)} MiB`;

/** Busy CPU seconds of the whole machine so far (all cores, from /proc/stat). */
function machineBusySeconds(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = cpu;
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** CPU of the whole machine (every process, PostgreSQL too) between start and `stop()`, in cores (2 = both busy). */
export function machineMeter(): { stop(): number } {
  const busy0 = machineBusySeconds();
  const t0 = process.hrtime.bigint();
  return { stop: () => (machineBusySeconds() - busy0) / (Number(process.hrtime.bigint() - t0) / 1e9) };
}

/** `91% / 12% / 1.9 cores` for one process, the load generator and the whole machine. */
export function cpuTriple(pid: number): { stop(): string } {
  const hub = cpuMeter(pid);
  const self = cpuMeter(process.pid);
  const all = machineMeter();
  return {
    stop: () => {
      const [h, s, m] = [hub.stop(), self.stop(), all.stop()];
      return `${(h * 100).toFixed(0)}% / ${(s * 100).toFixed(0)}% / ${m.toFixed(2)} cores`;
    },
  };
}
