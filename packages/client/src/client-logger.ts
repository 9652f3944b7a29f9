/**
 * Where the client library writes what a POS operator or developer should
 * know: late answers (the protocol says they are logged), advices that could
 * not be delivered yet, advices the hub refused. `console` fits.
 */
export interface ClientLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The default: warnings and errors to stderr, routine deliveries not at all. */
export const consoleLogger: ClientLogger = {
  info: () => undefined,
  warn: (message) => console.warn(`[qr-hub-client] ${message}`),
  error: (message) => console.error(`[qr-hub-client] ${message}`),
};

/** Says nothing (tests, or a POS that routes everything through `onExchange`). */
export const silentLogger: ClientLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
