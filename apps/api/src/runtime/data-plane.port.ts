/**
 * How a use-case makes the data plane follow what it just committed: it awaits `apply`, which
 * reads the channel's configuration once (the read model), applies it, and resolves when the
 * pipeline runs what was asked. Implemented by PipelinesService; services depend on this only.
 */
export abstract class DataPlanePort {
  /** Never throws: a pipeline that cannot apply logs why and keeps what it had. */
  abstract apply(channelId: string): Promise<void>;
}
