/**
 * A bounded FIFO of TS chunks. Full means the newest chunk is dropped (and counted): the output
 * that cannot keep up loses its own data and nobody else's. Chunks are whole TS packets, so
 * dropping one keeps the stream packet-aligned.
 */
export class ChunkQueue {
  private chunks: Buffer[] = [];
  private head = 0;
  private queued = 0;
  droppedBytes = 0;
  droppedChunks = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.queued;
  }

  get empty(): boolean {
    return this.queued === 0;
  }

  push(chunk: Buffer): boolean {
    if (this.queued + chunk.length > this.maxBytes) {
      this.droppedBytes += chunk.length;
      this.droppedChunks += 1;
      return false;
    }
    this.chunks.push(chunk);
    this.queued += chunk.length;
    return true;
  }

  /** Removes and returns up to `maxBytes` (at least one chunk) as one buffer, or undefined when empty. */
  take(maxBytes: number): Buffer | undefined {
    if (this.queued === 0) return undefined;
    const parts: Buffer[] = [];
    let size = 0;
    while (this.head < this.chunks.length) {
      const next = this.chunks[this.head]!;
      if (parts.length > 0 && size + next.length > maxBytes) break;
      parts.push(next);
      size += next.length;
      this.head += 1;
    }
    this.queued -= size;
    if (this.head > 1024 || this.head === this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
  }

  /** Puts back what a writer could not take, in front. */
  unshift(chunk: Buffer): void {
    if (this.head > 0) this.chunks[--this.head] = chunk;
    else this.chunks.unshift(chunk);
    this.queued += chunk.length;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.queued = 0;
  }
}
