import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where media lives: DATA_DIR/media/<uuid>.ts, and uploads in progress in DATA_DIR/media/.incoming.
 * Every path is built here from ids we generate: no request value ever becomes part of a path.
 */
export class MediaFiles {
  readonly dir: string;
  readonly incomingDir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'media');
    this.incomingDir = join(this.dir, '.incoming');
  }

  /** Creates the directories and removes uploads a crash or kill left half-written. */
  async prepare(): Promise<void> {
    await mkdir(this.incomingDir, { recursive: true, mode: 0o750 });
    for (const name of await readdir(this.incomingDir)) await rm(join(this.incomingDir, name), { force: true, recursive: true });
  }

  /** The stored file of a media id (a UUID: the caller has checked it). */
  pathOf(id: string): string {
    return join(this.dir, `${id}.ts`);
  }

  /** A fresh file name for work in progress. */
  incomingPath(suffix: string): string {
    return join(this.incomingDir, `${randomUUID()}${suffix}`);
  }

  async removeQuietly(path: string): Promise<void> {
    await unlink(path).catch(() => undefined);
  }
}

/** What the storage engine hands the controller: the upload on disk, never in memory. */
export interface StoredUpload {
  fieldname: string;
  originalname: string;
  path: string;
  size: number;
}

type HandleFileCallback = (error: Error | null, info?: Partial<StoredUpload>) => void;
interface IncomingFile {
  stream: Readable & { truncated?: boolean };
}

/**
 * A multer storage engine (the interface multer's disk storage implements) that streams the
 * upload into the incoming directory under a generated name. A write that fails or was cut at
 * the size limit leaves nothing behind; multer removes completed files when the request fails.
 */
export class IncomingUploadStorage {
  constructor(private readonly files: MediaFiles) {}

  _handleFile(_request: unknown, file: IncomingFile, callback: HandleFileCallback): void {
    const path = this.files.incomingPath('.upload');
    const out = createWriteStream(path, { flags: 'wx', mode: 0o640 });
    pipeline(file.stream, out).then(
      async () => {
        if (file.stream.truncated) {
          // Cut at the size limit: multer reports 413; the partial file must not stay.
          await this.files.removeQuietly(path);
          return callback(new Error('upload cut at the size limit'));
        }
        callback(null, { path, size: out.bytesWritten });
      },
      async (error: Error) => {
        await this.files.removeQuietly(path);
        callback(error);
      },
    );
  }

  _removeFile(_request: unknown, file: Partial<StoredUpload>, callback: (error: Error | null) => void): void {
    if (!file.path) return callback(null);
    void this.files.removeQuietly(file.path).then(() => callback(null));
  }
}
