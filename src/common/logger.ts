import { ConsoleLogger, LogLevel } from '@nestjs/common';
import type { EnvConfig } from '@app/config/env.validation';

const LEVELS: Record<EnvConfig['logLevel'], LogLevel[]> = {
  silent: [],
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** Nest's logger at the LOG_LEVEL the operator chose; JSON lines in production. */
export function createLogger(env: EnvConfig): ConsoleLogger {
  return new ConsoleLogger({ logLevels: LEVELS[env.logLevel], json: env.production, colors: !env.production });
}
