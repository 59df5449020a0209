import { Injectable } from '@nestjs/common';
import type { MediaResponse } from '@mld/contracts';
import { randomUUID } from 'node:crypto';
import { open, rename, stat } from 'node:fs/promises';
import { DomainError } from '../common/domain-error.js';
import { MediaFiles, type StoredUpload } from './media-files.js';
import { MediaLibrary } from './media-library.service.js';
import { checkMediaName, nameFromFileName } from './media-name.js';
import { ACCEPTED_DESCRIPTION, audioStreams, classify, describeFound, TS_PACKET_BYTES, tsPacketProblem, videoStreams } from './media-probe.js';
import { MediaTools } from './media-tools.js';

const unsupported = (message: string, detail = message) => new DomainError('UNSUPPORTED_MEDIA_TYPE', message, [{ field: 'file', message: detail }]);

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * An upload on disk → a library file: name checked first, type decided by ffprobe from the bytes,
 * MPEG-TS moved into place untouched, MP4/MOV (H.264/AAC) remuxed once, anything else refused.
 * Whatever happens, no temporary file outlives the request.
 */
@Injectable()
export class MediaIngest {
  constructor(
    private readonly tools: MediaTools,
    private readonly files: MediaFiles,
    private readonly library: MediaLibrary,
  ) {}

  async ingest(upload: StoredUpload, requestedName: string | undefined, actor: string): Promise<MediaResponse> {
    const temporary = [upload.path];
    try {
      const name = this.resolveName(requestedName, upload.originalname);
      const probe = await this.tools.probe(upload.path);
      const verdict = classify(probe);
      if (verdict.action === 'refuse') throw unsupported(verdict.message);
      let storedPath = upload.path;
      let stored = probe;
      if (verdict.action === 'store') {
        const problem = tsPacketProblem(await readHead(upload.path, TS_PACKET_BYTES * 4), upload.size);
        if (problem) throw unsupported(`${problem}; ${ACCEPTED_DESCRIPTION}`, problem);
      } else if (verdict.action === 'remux') {
        storedPath = this.files.incomingPath('.remux.ts');
        temporary.push(storedPath);
        await this.tools.remuxToTs(upload.path, storedPath, upload.size);
        stored = await this.tools.probe(storedPath);
        if (stored.formatName !== 'mpegts') throw unsupported(`the remuxed file reads back as ${describeFound(stored)}, not MPEG-TS; nothing was stored`);
      }
      const id = randomUUID();
      const finalPath = this.files.pathOf(id);
      await rename(storedPath, finalPath);
      const video = videoStreams(stored)[0];
      const audio = audioStreams(stored)[0];
      return await this.library.add(
        {
          id,
          name,
          sizeBytes: (await stat(finalPath)).size,
          durationMs: stored.durationMs ?? probe.durationMs,
          sourceContainer: verdict.container,
          videoCodec: video?.codec ?? null,
          audioCodec: audio?.codec ?? null,
          bitrateBps: stored.bitrateBps,
          width: video?.width ?? null,
          height: video?.height ?? null,
          uploadedBy: actor.slice(0, 100),
        },
        actor,
      );
    } finally {
      // The file that was moved into place is no longer here; everything else goes.
      for (const path of temporary) await this.files.removeQuietly(path);
    }
  }

  /** The name sent, or the file's own name without extension; 400 naming `name` when unusable. */
  private resolveName(requested: string | undefined, fileName: string): string {
    if (requested !== undefined) {
      const checked = checkMediaName(requested);
      if (!checked.ok) throw DomainError.validation([checked.problem]);
      return checked.name;
    }
    const checked = checkMediaName(nameFromFileName(fileName));
    if (checked.ok) return checked.name;
    throw DomainError.validation([{ field: 'name', message: `name was not sent and the file's own name cannot be used (${checked.problem.message}); send a name field` }]);
  }
}
