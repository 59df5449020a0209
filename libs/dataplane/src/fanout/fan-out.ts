/** Something that takes a copy of the channel's TS; must return at once and never throw. */
export interface TsSink {
  readonly id: string;
  accept(ts: Buffer): void;
}

/**
 * Hands every TS chunk to every output. Buffers are immutable once received, so "a copy" is a
 * shared reference: each output queues it in its own bounded queue and none can delay another.
 * Keyed by output id: adding or removing one never touches the others.
 */
export class FanOut {
  private sinks = new Map<string, TsSink>();
  private list: TsSink[] = [];

  add(sink: TsSink): void {
    this.sinks.set(sink.id, sink);
    this.list = [...this.sinks.values()];
  }

  remove(id: string): void {
    if (this.sinks.delete(id)) this.list = [...this.sinks.values()];
  }

  get size(): number {
    return this.list.length;
  }

  push(ts: Buffer): void {
    for (const sink of this.list) {
      try {
        sink.accept(ts);
      } catch {
        // A sink must not throw; if one does, the others still get their copy.
      }
    }
  }
}
