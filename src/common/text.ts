/* Text helpers for request input: each runs in one pass, whatever the input (no backtracking regex). */

/** `text` without its trailing slashes; defined once, in the protocol package, whose HTTP exchange uses it too. */
export { trimTrailingSlashes } from '@qr-hub/protocol';
