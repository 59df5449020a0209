import { Inject, Injectable, PayloadTooLargeException, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { catchError, throwError, type Observable } from 'rxjs';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/** Room for the multipart framing and the name field next to the file (multer limits them far below). */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

function describeBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(2))} ${unit}`;
  }
  return `${bytes} bytes`;
}

export function tooLarge(limitBytes: number): DomainError {
  const message = `the file is larger than the upload limit of ${describeBytes(limitBytes)} (${limitBytes} bytes, MEDIA_MAX_UPLOAD_BYTES); nothing was stored`;
  return new DomainError('PAYLOAD_TOO_LARGE', message, [{ field: 'file', message }]);
}

/**
 * The size limit, said clearly: a declared Content-Length that cannot fit is refused before a
 * byte is stored, and multer's own cut-off (streamed bodies) gets the same 413 sentence.
 * Bound before the FileInterceptor, so it wraps it.
 */
@Injectable()
export class UploadLimitInterceptor implements NestInterceptor {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const limit = this.config.mediaMaxUploadBytes;
    const declared = Number(context.switchToHttp().getRequest<Request>().headers['content-length']);
    if (Number.isFinite(declared) && declared > limit + MULTIPART_OVERHEAD_BYTES) return throwError(() => tooLarge(limit));
    return next.handle().pipe(catchError((error: unknown) => throwError(() => (error instanceof PayloadTooLargeException ? tooLarge(limit) : error))));
  }
}

/**
 * How long Node may take to receive one request. Its default (300 s) would cut a 4 GiB upload
 * on a 100 Mbit/s link; this allows the largest upload at 10 Mbit/s, and never less than the default.
 */
export function requestTimeoutForUploads(maxUploadBytes: number): number {
  return Math.max(300_000, Math.ceil(maxUploadBytes / 1_250_000) * 1000);
}
