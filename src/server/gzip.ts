import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import type { FastifyRequest, RequestPayload } from 'fastify';
import { HttpError } from './errors.js';

/** An HttpError that Fastify's body reader also sees as a client error (it reads `statusCode`). */
export class BodyError extends HttpError {
  readonly statusCode: number;
  constructor(status: number, code: string, message: string) {
    super(status, code, message);
    this.statusCode = status;
  }
}

/**
 * Passes decompressed bytes on until `limit`; one byte more fails the stream with 413, so a small compressed body
 * ("gzip bomb") can never inflate past the body limit in memory. Counts the compressed bytes read as
 * `receivedEncodedLength`, which Fastify compares with Content-Length.
 */
class CappedInflate extends Transform {
  receivedEncodedLength = 0;
  private out = 0;

  constructor(
    private readonly inflate: Gunzip | Inflate,
    private readonly limit: number,
  ) {
    super();
    inflate.on('data', (chunk: Buffer) => {
      this.out += chunk.length;
      if (this.out > this.limit) {
        inflate.destroy();
        this.destroy(tooLarge(this.limit));
        return;
      }
      if (!this.push(chunk)) inflate.pause();
    });
    inflate.once('error', (err: Error) => this.destroy(new BodyError(400, 'VIGIL_ERR_BAD_ENCODING', `request body is not valid compressed data: ${err.message.slice(0, 120)}`)));
  }

  override _read(size: number): void {
    this.inflate.resume();
    super._read(size);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.receivedEncodedLength += chunk.length;
    if (this.inflate.write(chunk)) cb();
    else this.inflate.once('drain', () => cb());
  }

  override _flush(cb: TransformCallback): void {
    this.inflate.once('end', () => cb());
    this.inflate.end();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.inflate.destroy();
    cb(err);
  }
}

function tooLarge(limit: number): BodyError {
  const mib = limit / (1024 * 1024);
  return new BodyError(
    413,
    'VIGIL_ERR_BODY_TOO_LARGE',
    `the decompressed request body exceeds the limit of ${Number.isInteger(mib) ? mib : mib.toFixed(2)} MiB (http.body_limit_mb)`,
  );
}

/** The Content-Encoding names accepted on request bodies. */
export function encodingOf(header: string | string[] | undefined): 'identity' | 'gzip' | 'deflate' | undefined {
  const v = (Array.isArray(header) ? header.join(',') : (header ?? '')).trim().toLowerCase();
  if (v === '' || v === 'identity') return 'identity';
  if (v === 'gzip' || v === 'x-gzip') return 'gzip';
  if (v === 'deflate') return 'deflate';
  return undefined;
}

/**
 * A Fastify preParsing hook: request bodies sent with `Content-Encoding: gzip` (or deflate) are decompressed while
 * they are read, and never beyond `limit` bytes (413). Other encodings are refused with 415.
 */
export function decompressBodies(limit: number) {
  return (req: FastifyRequest, _reply: unknown, payload: RequestPayload, done: (err: Error | null, stream?: RequestPayload) => void): void => {
    const enc = encodingOf(req.headers['content-encoding']);
    if (enc === 'identity') return done(null, payload);
    if (enc === undefined) {
      return done(new BodyError(415, 'VIGIL_ERR_UNSUPPORTED_ENCODING', `Content-Encoding '${String(req.headers['content-encoding']).slice(0, 40)}' is not accepted: use gzip, deflate or none`));
    }
    const capped = new CappedInflate(enc === 'gzip' ? createGunzip() : createInflate(), limit);
    // an error after Fastify stopped listening (it gave up on the body first) must not go unhandled
    capped.on('error', () => undefined);
    payload.once('error', (err: Error) => capped.destroy(err));
    req.raw.once('close', () => {
      if (!req.raw.complete) capped.destroy();
    });
    payload.pipe(capped);
    done(null, capped);
  };
}
