import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Stream keys → what they route to. Keys are kept only as SHA-256 digests and a lookup compares
 * the candidate with every registered key in constant time, without an early exit: how long a
 * refusal takes says nothing about how close a guess was.
 */
export class StreamKeyRegistry<T> {
  private readonly entries: Array<{ digest: Buffer; value: T }> = [];

  get size(): number {
    return this.entries.length;
  }

  /** Throws when the key is empty or already registered (two channels cannot share a key). */
  add(streamKey: string, value: T): void {
    if (streamKey.length === 0) throw new Error('an RTMP input needs a stream key');
    if (this.find(streamKey) !== undefined) throw new Error('this stream key is already used by another RTMP input');
    this.entries.push({ digest: digest(streamKey), value });
  }

  remove(value: T): void {
    const i = this.entries.findIndex((e) => e.value === value);
    if (i >= 0) this.entries.splice(i, 1);
  }

  find(streamKey: string): T | undefined {
    const candidate = digest(streamKey);
    let found: T | undefined;
    for (const entry of this.entries) {
      const same = timingSafeEqual(candidate, entry.digest);
      if (same && found === undefined) found = entry.value;
    }
    return found;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
