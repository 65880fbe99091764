/**
 * @ssd/files in a browser (the `browser` and `import` conditions of its exports): quoting input-derived text in
 * messages. A page has no files to read: the readers are the Node build's.
 */
export { cutText, MESSAGE_TEXT_LIMIT } from './cut-text';
