/**
 * Name of the Basic-auth security scheme in the OpenAPI document. Declared in
 * src/operations/api-docs.ts, where controllers can import it (src/docs/ is
 * above them all); re-exported for the document's own code.
 */
export { BASIC_AUTH } from '@app/operations/api-docs';
