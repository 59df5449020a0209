// The file system as the file source sees it: open, size, positioned reads, close. Behind an
// interface so the source's state machine runs in tests on in-memory files and a fake clock.
import { open } from 'node:fs/promises';

export interface TsFileHandle {
  /** Size when opened. */
  readonly size: number;
  /** Reads up to `into.length` bytes at `position`; 0 at the end of the file. */
  read(into: Buffer, position: number): Promise<number>;
  close(): Promise<void>;
}

export type TsFileOpener = (path: string) => Promise<TsFileHandle>;

/** Regular files on the local disk. */
export const nodeTsFileOpener: TsFileOpener = async (path) => {
  const fh = await open(path, 'r');
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw Object.assign(new Error(`not a regular file: ${path}`), { code: 'ENOTREG' });
    return {
      size: st.size,
      read: async (into, position) => (await fh.read(into, 0, into.length, position)).bytesRead,
      close: () => fh.close(),
    };
  } catch (error) {
    await fh.close().catch(() => undefined);
    throw error;
  }
};

/** An operator-facing sentence for a failure to open or read `path`. */
export function describeFileError(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `media file not found: ${path}`;
    case 'EACCES':
    case 'EPERM':
      return `media file not readable (permission denied): ${path}`;
    case 'EISDIR':
    case 'ENOTREG':
      return `not a regular file: ${path}`;
    default:
      return `cannot read media file ${path}: ${(error as Error | undefined)?.message ?? String(error)}`;
  }
}
