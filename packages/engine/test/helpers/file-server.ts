/** A local HTTP server (127.0.0.1 only) serving in-memory files by path, recording each request. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Served files by URL path (e.g. `/mirror/x.pth`); add or replace at any time. */
  files: Map<string, Uint8Array>;
  /** Paths requested so far. */
  hits: string[];
  close(): Promise<void>;
}

/** Starts a server; a path not in `files` answers 404. */
export async function startFileServer(): Promise<FileServer> {
  const files = new Map<string, Uint8Array>();
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '');
    hits.push(url);
    const body = files.get(url);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': body.byteLength }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    files,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A URL on 127.0.0.1 where nothing listens (a server started and closed), for "no network" tests. */
export async function deadBase(): Promise<string> {
  const s = await startFileServer();
  await s.close();
  return s.base;
}
