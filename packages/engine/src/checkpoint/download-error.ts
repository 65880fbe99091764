/** A download that could not be completed; the message names the file, where it was fetched and what to do. */
export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}
