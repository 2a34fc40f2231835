/**
 * Serves the router on a uWS App (every path socket.io does not own). uWS request objects
 * live only during the synchronous handler: headers are read first, then the body streams
 * in, then the response is written corked — unless the client went away meanwhile.
 */
import { STATUS_CODES } from 'node:http';
import type { HttpRequest as UwsRequest, HttpResponse as UwsResponse, TemplatedApp } from 'uWebSockets.js';
import { bodyTooLarge, MAX_BODY_BYTES, type HttpHandler, type HttpResponse } from './http-types.js';

export function serveHttpOnUws(app: TemplatedApp, handler: HttpHandler): void {
  app.any('/*', (res: UwsResponse, req: UwsRequest) => {
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    const method = req.getMethod().toUpperCase();
    const path = req.getUrl();
    const query = req.getQuery();
    const authorization = req.getHeader('authorization') || undefined;
    const peer = Buffer.from(res.getRemoteAddressAsText()).toString();
    const header = (name: string): string | undefined => req.getHeader(name) || undefined;
    const seen = {
      peer,
      forwardedFor: header('x-forwarded-for'),
      origin: header('origin'),
      host: header('host'),
      corsMethod: header('access-control-request-method'),
    };
    const length = req.getHeader('content-length');
    const chunked = req.getHeader('transfer-encoding') !== '';
    const send = (r: HttpResponse): void => {
      if (aborted) return;
      res.cork(() => {
        res
          .writeStatus(`${r.status} ${STATUS_CODES[r.status] ?? ''}`)
          .writeHeader('content-type', r.contentType);
        if (r.cacheControl) res.writeHeader('cache-control', r.cacheControl);
        if (r.retryAfterSec !== undefined) res.writeHeader('retry-after', String(r.retryAfterSec));
        for (const [name, value] of Object.entries(r.headers ?? {})) res.writeHeader(name, value);
        res.end(r.body);
      });
    };
    const dispatch = (body: string): void => {
      void handler({ method, path, query, authorization, body, ...defined(seen) }).then(send);
    };
    if (Number(length) > MAX_BODY_BYTES) {
      send(bodyTooLarge());
      return;
    }
    if (method === 'GET' || method === 'HEAD' || ((length === '' || length === '0') && !chunked)) {
      dispatch('');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.onData((chunk, isLast) => {
      if (size > MAX_BODY_BYTES) return;
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        send(bodyTooLarge());
        aborted = true;
        return;
      }
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) dispatch(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** `value` without its undefined properties (the request type's optionals are exact). */
function defined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
