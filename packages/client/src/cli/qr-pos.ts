#!/usr/bin/env node
/**
 * `qr-pos`: a POS simulator on the retailer client library, to run against a
 * hub by hand. Flags win over environment variables, which win over the
 * defaults of the demo hub (`npm start`: https://localhost:8443, retailer
 * 1234 / demo-retailer, sandbox wallet sandbox / demo-sandbox).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_QUEUE_FILE } from '../advice-queue';
import { parseAmount, ZAR } from './demo-sale';
import { EXIT, flushCommand, PayCommand, payCommand, PosSettings, queueCommand } from './pos-commands';

const USAGE = `Usage: qr-pos <command> [options]

Commands:
  pay --amount 12.50     create a QR code, show it, pay (held by the hub until a
                         wallet scans), then confirm — or reverse with --reverse
  queue                  list the advices in the queue not yet done (--all: every one)
  flush                  deliver this retailer's pending advices now and exit

Hub (flag, environment, default):
  --hub URL              QR_HUB_URL        https://localhost:8443
  --user ID              QR_HUB_USER       1234
  --password PW          QR_HUB_PASSWORD   demo-retailer
  --ca FILE              QR_HUB_CA         data/tls/self-signed.crt when it exists
  --insecure             accept any hub certificate (local demo only)
  --queue FILE           QR_POS_QUEUE      ${DEFAULT_QUEUE_FILE}
  --timeout MS           QR_HUB_TIMEOUT_MS 60000 (the protocol's agreed timeout)
  --brief                print status lines only, not whole messages

pay:
  --amount 12.50         required; cents decide the sandbox partner's answer
  --currency 710         ISO 4217 numeric (default ZAR)
  --reverse              reverse the approved payment instead of confirming it
  --sandbox-scan         also play the sandbox wallet's scan (sandbox mode)
  --scan-delay MS        wait before that scan (default 1000)
  --partner-user ID      QR_SANDBOX_USER      sandbox
  --partner-password PW  QR_SANDBOX_PASSWORD  demo-sandbox

flush:
  --wait MS              how long to keep trying (default: the timeout)

Exit status: 0 done, 1 error, 2 declined, 3 outcome unknown (reversed),
4 an advice is still queued (run qr-pos flush later).`;

const OPTIONS = {
  hub: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  ca: { type: 'string' },
  insecure: { type: 'boolean', default: false },
  queue: { type: 'string' },
  timeout: { type: 'string' },
  brief: { type: 'boolean', default: false },
  amount: { type: 'string' },
  currency: { type: 'string', default: ZAR },
  reverse: { type: 'boolean', default: false },
  'sandbox-scan': { type: 'boolean', default: false },
  'scan-delay': { type: 'string', default: '1000' },
  'partner-user': { type: 'string' },
  'partner-password': { type: 'string' },
  all: { type: 'boolean', default: false },
  wait: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** Runs one command line; returns the exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    print(USAGE);
    return values.help ? EXIT.ok : EXIT.error;
  }
  if (rest.length > 0) throw new Error(`unexpected argument: ${rest[0]}`);
  const settings = resolveSettings(values, env);
  switch (command) {
    case 'pay':
      return payCommand(settings, payOptions(values, env), print);
    case 'queue':
      return queueCommand(settings, values.all, print);
    case 'flush':
      return flushCommand(settings, values.wait ? positiveInt('--wait', values.wait) : settings.timeoutMs, print);
    default:
      throw new Error(`unknown command ${JSON.stringify(command)} (pay, queue, flush; --help)`);
  }
}

function resolveSettings(values: Values, env: NodeJS.ProcessEnv): PosSettings {
  const caFile =
    values.ca ?? env.QR_HUB_CA ?? (existsSync('data/tls/self-signed.crt') ? 'data/tls/self-signed.crt' : undefined);
  return {
    hubUrl: values.hub ?? env.QR_HUB_URL ?? 'https://localhost:8443',
    user: values.user ?? env.QR_HUB_USER ?? '1234',
    password: values.password ?? env.QR_HUB_PASSWORD ?? 'demo-retailer',
    ca: caFile && !values.insecure ? readFileSync(caFile, 'utf8') : undefined,
    insecure: values.insecure,
    queueFile: values.queue ?? env.QR_POS_QUEUE ?? DEFAULT_QUEUE_FILE,
    timeoutMs: positiveInt('--timeout', values.timeout ?? env.QR_HUB_TIMEOUT_MS ?? '60000'),
    brief: values.brief,
  };
}

function payOptions(values: Values, env: NodeJS.ProcessEnv): PayCommand {
  if (!values.amount) throw new Error('pay needs --amount, e.g. --amount 12.50');
  if (!/^[0-9]{3}$/.test(values.currency)) throw new Error('--currency must be 3 digits (ISO 4217 numeric)');
  return {
    amount: parseAmount(values.amount),
    currency: values.currency,
    reverse: values.reverse,
    sandboxScan: values['sandbox-scan']
      ? {
          partnerId: values['partner-user'] ?? env.QR_SANDBOX_USER ?? 'sandbox',
          password: values['partner-password'] ?? env.QR_SANDBOX_PASSWORD ?? 'demo-sandbox',
          delayMs: positiveInt('--scan-delay', values['scan-delay'], true),
        }
      : undefined,
  };
}

function positiveInt(flag: string, text: string, zeroOk = false): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < (zeroOk ? 0 : 1)) throw new Error(`${flag} must be a whole number of ms`);
  return value;
}

/** Runs the command line of this process (the `qr-pos` bin, bin/qr-pos.js, calls it). */
export function run(): void {
  main(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`))
    .then((code) => {
      process.exitCode = code;
    })
    .catch((err: unknown) => {
      process.stderr.write(`qr-pos: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = EXIT.error;
    });
}

if (require.main === module) run();
