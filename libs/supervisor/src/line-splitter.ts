/**
 * Splits a text stream into lines on `\r` and `\n`. FFmpeg and
 * srt-live-transmit redraw their progress with a bare `\r`, so splitting on
 * `\n` alone would hold a whole run of progress in one "line".
 */
export class LineSplitter {
  private partial = '';
  private overflowed = false;

  /**
   * @param maxLineLength longer lines keep their first `maxLineLength`
   *   characters plus a `…` marker; the rest is dropped up to the next line
   *   end, so a child that never prints a newline cannot grow memory.
   */
  constructor(readonly maxLineLength = 64 * 1024) {
    if (!Number.isInteger(maxLineLength) || maxLineLength < 1) throw new RangeError(`maxLineLength must be a positive integer, got ${maxLineLength}`);
  }

  /** Returns the lines completed by this chunk; empty lines (e.g. between `\r\n`) are skipped. */
  push(chunk: string): string[] {
    const lines: string[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i += 1) {
      const c = chunk.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.append(chunk.slice(from, i));
      this.emit(lines);
      from = i + 1;
    }
    this.append(chunk.slice(from));
    return lines;
  }

  /** The unterminated tail, for when the stream ends. */
  flush(): string[] {
    const lines: string[] = [];
    this.emit(lines);
    return lines;
  }

  private append(text: string): void {
    if (text.length === 0 || this.overflowed) return;
    const room = this.maxLineLength - this.partial.length;
    if (text.length <= room) {
      this.partial += text;
      return;
    }
    this.partial += text.slice(0, room);
    this.overflowed = true;
  }

  private emit(into: string[]): void {
    if (this.partial.length > 0) into.push(this.overflowed ? `${this.partial}…` : this.partial);
    this.partial = '';
    this.overflowed = false;
  }
}

/** Caps one line for storage; the marker shows that something was cut. */
export function truncateLine(line: string, maxLength: number): string {
  return line.length <= maxLength ? line : `${line.slice(0, maxLength)}…`;
}
