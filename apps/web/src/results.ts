/** The images detected so far, as `ssd demo`'s results.json, behind the page's download link. */
import { type ImageResult, type ResultEntry, resultEntry } from '@ssd/engine';

/** results.json's entries, in the order the images were given, and the link that downloads them. */
export class ResultsFile {
  private readonly entries: ResultEntry[] = [];
  private url: string | undefined;

  constructor(private readonly link: HTMLAnchorElement) {}

  /** Adds an image's detections and points the link at the file with them. */
  add(image: string, result: ImageResult): ResultEntry {
    const entry = resultEntry(image, result);
    this.entries.push(entry);
    if (this.url) URL.revokeObjectURL(this.url);
    const json = `${JSON.stringify(this.entries, null, 2)}\n`;
    this.url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
    this.link.href = this.url;
    this.link.setAttribute('aria-disabled', 'false');
    return entry;
  }
}
