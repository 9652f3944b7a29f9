import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Level, LevelWithSilent, Logger as PinoLogger } from 'pino';
import { currentLogContext } from './log-context';
import { isSecretKey, maskCardNumber, maskSecretsInText } from './masking';

/*
 * Declared paths as a second line of defence; the formatter below already
 * masks these keys at any depth, and card numbers and secrets in text.
 */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'password',
  'partnerPaymentToken',
  '*.authorization',
  '*.password',
  '*.partnerPaymentToken',
];

let stdout: DestinationStream | undefined;

/** What the logger reads of the config (EnvConfig has both): LOG_LEVEL and INSTANCE_ID. */
export interface LoggerSettings {
  logLevel: LevelWithSilent;
  instanceId?: string;
}

/**
 * The hub's root logger (docs/protocol.md §3, §11): JSON lines at LOG_LEVEL, with
 * passwords, Authorization headers and partnerPaymentToken hidden and card
 * numbers cut to their first six digits — in fields at any depth and in
 * message text. `destination` lets tests read the lines; default stdout.
 */
export function createHubLogger(env: LoggerSettings, destination?: DestinationStream): PinoLogger {
  return pino(
    {
      level: env.logLevel,
      base: { pid: process.pid, ...(env.instanceId && { instance: env.instanceId }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '***' },
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => maskFields(fields),
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg: unknown) => (typeof arg === 'string' ? maskSecretsInText(arg) : arg));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
      // An error's message or stack may quote a message: masked like any other text.
      // (Spread: the serializer's object has its own prototype, which maskValue leaves alone.)
      serializers: { err: (error: Error) => maskValue({ ...pino.stdSerializers.err(error) }, 0) },
    },
    destination ?? (stdout ??= pino.destination({ dest: 1, sync: true })),
  );
}

/**
 * Masks a log line's fields. Only plain data is walked: requests, responses
 * and errors go to their serializers, and walking a socket's internals would
 * be slow and pointless.
 */
function maskFields(fields: Record<string, unknown>): Record<string, unknown> {
  return maskValue(fields, 0) as Record<string, unknown>;
}

function maskValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskSecretsInText(value);
  if (depth > 32 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => maskValue(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (isSecretKey(key) && v !== undefined && v !== null) out[key] = '***';
    else if (key.toLowerCase() === 'cardnumber' && typeof v === 'string') out[key] = maskCardNumber(v);
    else out[key] = maskValue(v, depth + 1);
  }
  return out;
}

/* Nest lists every module and route at start-up: useful when debugging, noise in production. */
const FRAMEWORK_CHATTER = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);
/*
 * Nest's start-up failures (a database file in use, a database that cannot be
 * reached): the error is thrown on to main.ts, which prints it as one line;
 * the stack stays for debugging.
 */
const STARTUP_FAILURE = 'ExceptionHandler';

/**
 * Nest's LoggerService on top of pino: every `new Logger(Context)` in the
 * code writes through here, and within a request it writes through that
 * request's logger, so its lines carry the request id and tranId.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: PinoLogger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest passes `(message, [stack,] context)`: the context last, a stack before it on errors. */
  private write(wanted: Level, message: unknown, params: unknown[]): void {
    const rest = [...params];
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const quiet = wanted === 'info' ? context && FRAMEWORK_CHATTER.has(context) : context === STARTUP_FAILURE;
    const level = quiet ? 'debug' : wanted;
    // Checked on the root first: a request's own logger is made only for a line that is written.
    if (!this.root.isLevelEnabled(level)) return;
    const logger = currentLogContext()?.logger ?? this.root;
    const stack = level === 'error' && typeof rest[0] === 'string' ? rest[0] : undefined;
    const fields: Record<string, unknown> = { ...(context && { context }), ...(stack && { stack }) };
    if (message instanceof Error) logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) logger[level]({ ...fields, ...message });
    else logger[level](fields, String(message));
  }
}
