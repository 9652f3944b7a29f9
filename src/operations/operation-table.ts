import type { DynamicModule, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import type { Request } from 'express';
import { trimTrailingSlashes } from '@qr-hub/protocol';
import type { Operation } from './operation';
import { operationServedBy } from './serves.decorator';

/** The protocol's base path (docs/protocol.md §1): a request under it names an operation or is `unknown`. */
export const PROTOCOL_BASE = '/qr/v1/';

/** An operation and the handler that serves it. */
export interface ServedOperation {
  operation: Operation;
  controller: Type<object>;
  handler: string;
}

type ModuleEntry = Type<object> | DynamicModule;

/**
 * The one table of operations: built once from the modules of the app (each
 * handler marked `@Serves(operation)`), read by the routing fallback, the
 * guard, the API document, the metrics, the request log and the audit trail.
 */
export class OperationTable {
  private readonly patterns: Array<{ operation: Operation; segments: string[] }>;
  private readonly maxSegments: number;

  constructor(readonly served: readonly ServedOperation[]) {
    const seen = new Map<string, string>();
    for (const { operation: op } of served) {
      for (const key of [`name ${op.name}`, `route ${op.method} ${op.path}`]) {
        if (seen.has(key)) throw new Error(`Operation ${op.name}: ${key} is declared twice (also ${seen.get(key)})`);
        seen.set(key, op.name);
      }
    }
    this.patterns = served.map(({ operation }) => ({ operation, segments: operation.path.split('/') }));
    this.maxSegments = Math.max(0, ...this.patterns.map((p) => p.segments.length));
  }

  /** The operations served by the controllers of `modules` and of the modules they import. */
  static of(modules: readonly ModuleEntry[]): OperationTable {
    const served: ServedOperation[] = [];
    const visited = new Set<unknown>();
    const visit = (entry: ModuleEntry): void => {
      if (visited.has(entry)) return;
      visited.add(entry);
      const type = 'module' in entry ? entry.module : entry;
      const dynamic: Partial<DynamicModule> = 'module' in entry ? entry : {};
      const controllers = [
        ...metadata<Type<object>>(MODULE_METADATA.CONTROLLERS, type),
        ...(dynamic.controllers ?? []),
      ];
      for (const controller of controllers) served.push(...servedBy(controller));
      const imports = [...metadata<unknown>(MODULE_METADATA.IMPORTS, type), ...(dynamic.imports ?? [])];
      for (const imported of imports) if (isModuleEntry(imported)) visit(imported);
    };
    modules.forEach(visit);
    return new OperationTable(served);
  }

  get operations(): Operation[] {
    return this.served.map((s) => s.operation);
  }

  /** The distinct paths of the operations, for the 501 fallback of other methods. */
  paths(): string[] {
    return [...new Set(this.operations.map((op) => op.path))];
  }

  /** The operation a request is for, whatever trailing slashes or query its path has. */
  match(req: Request): Operation | null {
    const path = pathOf(req);
    // A limit one past the longest pattern: a longer path matches none, and a million slashes cost one pass.
    const segments = path.split('/', this.maxSegments + 1);
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const found = this.patterns.find((p) => p.operation.method === method && sameRoute(p.segments, segments));
    return found?.operation ?? null;
  }

  /**
   * The operation's name for logs, metrics and the audit trail (docs/protocol.md §1):
   * `unknown` for anything else under the protocol's base path, null outside it.
   */
  nameOf(req: Request): string | null {
    // Asked by the request log, metrics, the audit trail and the error filter: worked out once a request.
    if (this.names.has(req)) return this.names.get(req)!;
    const operation = this.match(req);
    const name = operation ? operation.name : pathOf(req).startsWith(PROTOCOL_BASE) ? 'unknown' : null;
    this.names.set(req, name);
    return name;
  }

  private readonly names = new WeakMap<Request, string | null>();

  /** Advices: an unknown outcome (500) keeps them with a conforming sender (docs/protocol.md §10). */
  isAdvice(name: string | null): boolean {
    return this.operations.some((op) => op.name === name && op.advice);
  }
}

function pathOf(req: Request): string {
  const target = req.originalUrl ?? req.url;
  const query = target.indexOf('?');
  return trimTrailingSlashes(query === -1 ? target : target.slice(0, query));
}

function sameRoute(pattern: readonly string[], segments: readonly string[]): boolean {
  if (pattern.length !== segments.length) return false;
  return pattern.every((p, i) => (p.startsWith(':') ? segments[i] !== '' : p === segments[i]));
}

function metadata<T>(key: string, target: object): T[] {
  return (Reflect.getMetadata(key, target) as T[] | undefined) ?? [];
}

function isModuleEntry(value: unknown): value is ModuleEntry {
  return typeof value === 'function' || (typeof value === 'object' && value !== null && 'module' in value);
}

function servedBy(controller: Type<object>): ServedOperation[] {
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype).flatMap((handler) => {
    const method = handler === 'constructor' ? undefined : prototype[handler];
    const operation = typeof method === 'function' ? operationServedBy(method) : undefined;
    return operation ? [{ operation, controller, handler }] : [];
  });
}
