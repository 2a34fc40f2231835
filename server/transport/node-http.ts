/** Serves the router on node:http (the TRANSPORT=node comparison setup). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyTooLarge, MAX_BODY_BYTES, type HttpHandler, type HttpResponse } from './http-types.js';

export function nodeHttpListener(handler: HttpHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // socket.io's engine handles its own path on the same server.
    if (req.url?.startsWith('/socket.io/')) return;
    const send = (r: HttpResponse): void => {
      if (res.writableEnded) return;
      res
        .writeHead(r.status, {
          'content-type': r.contentType,
          ...(r.cacheControl ? { 'cache-control': r.cacheControl } : {}),
          ...(r.retryAfterSec !== undefined ? { 'retry-after': String(r.retryAfterSec) } : {}),
          ...r.headers,
        })
        .end(r.body);
    };
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        send(bodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      const [path = '/', query = ''] = (req.url ?? '/').split('?');
      const xff = req.headers['x-forwarded-for'];
      const corsMethod = req.headers['access-control-request-method'];
      void handler({
        method: req.method ?? 'GET',
        path,
        query,
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString('utf8'),
        ...(req.socket.remoteAddress ? { peer: req.socket.remoteAddress } : {}),
        ...(typeof xff === 'string' ? { forwardedFor: xff } : {}),
        ...(req.headers.origin ? { origin: req.headers.origin } : {}),
        ...(req.headers.host ? { host: req.headers.host } : {}),
        ...(typeof corsMethod === 'string' ? { corsMethod } : {}),
      }).then(send);
    });
  };
}
