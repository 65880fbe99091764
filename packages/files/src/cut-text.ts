/** How much of an input-derived text a message quotes by default. */
export const MESSAGE_TEXT_LIMIT = 200;

/**
 * `text` for an error message: whole when short, else its first `max` characters and how long it was, so a
 * 40 MB key in a file makes a one-line message, not a 40 MB one.
 */
export function cutText(text: string, max = MESSAGE_TEXT_LIMIT): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length} characters)`;
}
