/** JSON as read off the wire, shared by the transport and the dialects on top of it. */

/** A JSON object as read off the wire. */
export type JsonBody = Record<string, unknown>;

/** The body as a JSON object, or null when it is empty, not JSON, or not an object. */
export function parseObject(text: string): JsonBody | null {
  if (text.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonBody) : null;
  } catch {
    return null;
  }
}
