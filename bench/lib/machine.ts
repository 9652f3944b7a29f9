import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** Where a benchmark ran: everything (hub, partner, load generator) shares this machine. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  date: string;
  /** 1-minute load average when the benchmark started (others' work on the machine shows here). */
  load: number;
}

const startLoad = loadavg()[0];

export function machineInfo(): MachineInfo {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpu = line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    cpu,
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    load: startLoad,
  };
}

/** One markdown line naming the machine, for the top of a benchmark's section. */
export function machineLine(m: MachineInfo = machineInfo()): string {
  return (
    `Measured ${m.date} on ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Node ${m.node}; ` +
    `hub, partner server and load generator on this one machine (1-min load average ${m.load.toFixed(1)} at the start).`
  );
}
