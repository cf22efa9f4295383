/**
 * Lengths the backend allows for what a person types into an alert action
 * (PROTOCOL.md, issue #10). In a module of their own so that the popup's form
 * can read them without loading the wire schemas of `lib/protocol.ts`, which
 * only the background needs (issue #14, row 6b).
 */

/** PROTOCOL.md: an acknowledge's `notes`, at most this many characters (issue #10). */
export const ACK_NOTES_MAX = 1000;
/** PROTOCOL.md: a resolve's `resolution` (required) and `correctiveAction`, at most this many. */
export const RESOLUTION_MAX = 2000;
