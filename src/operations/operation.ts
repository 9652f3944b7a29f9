import type { ApiTag } from './api-docs';

/** Who may call the hub (docs/protocol.md §3, §11). */
/**
 * Who a caller is (docs/protocol.md §3): an operator may look and act (retry or
 * resolve an advice); a viewer is an operator who may only look.
 */
export type Role = 'retailer' | 'partner' | 'operator' | 'viewer';

/** Every role: a route open to any authenticated caller says so with this list. */
export const ALL_ROLES: readonly Role[] = ['retailer', 'partner', 'operator', 'viewer'];

/** How one answer of an operation is documented in the API document. */
export interface DocumentedResponse {
  description: string;
  /** Definition name of a JSON body; none for an empty body. */
  schema?: string;
  /** Media types of a body that is not JSON (an image), each with its OpenAPI schema. */
  content?: Record<string, { schema: { type: string; format?: string } }>;
}

/** What the API document says about an operation (docs/protocol.md §11: served at /docs). */
export interface OperationDocs {
  /** The one tag it is listed under: who calls it. */
  tag: Extract<ApiTag, 'retailer' | 'partner'>;
  summary: string;
  /** Every answer by status, beside the gate failures (401, 403, 413, 415, 429) a message operation shares. */
  responses: Record<number, DocumentedResponse>;
  /** Path parameters by name, with their description. */
  params?: Record<string, string>;
  /** Media types of a body that is not JSON. */
  produces?: readonly string[];
}

/**
 * One operation of the hub: everything the routing, the guard, the API
 * document, the metrics, the audit trail and the console know about it.
 */
export interface Operation {
  /** The interface's operation name (docs/protocol.md §1): the audit trail's, the metrics' and the document's. */
  name: string;
  method: 'GET' | 'POST';
  /** The full path, `:name` for a path parameter (`/qr/v1/qrCodes/:tranId/image`). */
  path: string;
  /** Status of a successful answer. */
  status: number;
  /** Roles allowed to call it; others get 403 (docs/protocol.md §3). */
  roles: readonly Role[];
  /** The body field whose `.id` must be the caller (docs/protocol.md §3); none when ownership is checked elsewhere. */
  identityField?: 'client' | 'partner';
  /** The protocol message it carries (a schema of the API document); none for a request without a body. */
  message?: string;
  /**
   * The DTO class whose validation decorators give the message's schema (its
   * name less `Dto` is `message`), for a message the interface's schemas
   * (src/docs/contract-schemas.ts) do not hold.
   */
  messageDto?: abstract new (...args: never[]) => object;
  /** An advice: stored and forwarded, so an unknown outcome keeps it with its sender (docs/protocol.md §7, §10). */
  advice: boolean;
  /**
   * New work an overloaded hub refuses at once, before reading further
   * (src/partners/admission.ts): a QR code, a payment, a scan. Never an advice.
   */
  startsWork?: boolean;
  docs: OperationDocs;
}

/**
 * Declares an operation; the feature that serves it puts it on its handler
 * with `@Serves`. Refuses a declaration that lets nobody in or whose message
 * schema would not be found.
 */
export function defineOperation<const T extends Operation>(operation: T): Readonly<T> {
  const refuse = (why: string): never => {
    throw new Error(`Operation ${operation.name}: ${why}`);
  };
  if (operation.roles.length === 0) refuse('declares no role (docs/protocol.md §3)');
  if (!operation.path.startsWith('/')) refuse(`path ${operation.path} must start with /`);
  const dto = operation.messageDto;
  if (dto && (!operation.message || dto.name.replace(/Dto$/, '') !== operation.message)) {
    refuse(`message ${operation.message ?? '(none)'} is not the schema of ${dto.name}`);
  }
  return Object.freeze(operation);
}
