/** Reading untrusted input files (regular files only, size caps before reading) and quoting their text in messages. */
export { cutText, MESSAGE_TEXT_LIMIT } from './cut-text';
export {
  InputFileError,
  type InputFileOptions,
  openInputFile,
  readInputFile,
  readInputFileAsync,
} from './input-file';
