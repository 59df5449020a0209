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
  private sinks = new Map<string, { sink: TsSink; takesSlate: boolean }>();
  private list: TsSink[] = [];
  private slateList: TsSink[] = [];

  /** `takesSlate`: the sink also gets the input-loss slate (ADR 0016); adding it again changes that. */
  add(sink: TsSink, takesSlate = false): void {
    this.sinks.set(sink.id, { sink, takesSlate });
    this.relist();
  }

  remove(id: string): void {
    if (this.sinks.delete(id)) this.relist();
  }

  private relist(): void {
    const all = [...this.sinks.values()];
    this.list = all.map((e) => e.sink);
    this.slateList = all.filter((e) => e.takesSlate).map((e) => e.sink);
  }

  get size(): number {
    return this.list.length;
  }

  /** `slate`: the chunk is the input-loss slate, for the sinks that take it only. */
  push(ts: Buffer, slate = false): void {
    for (const sink of slate ? this.slateList : this.list) {
      try {
        sink.accept(ts);
      } catch {
        // A sink must not throw; if one does, the others still get their copy.
      }
    }
  }
}
