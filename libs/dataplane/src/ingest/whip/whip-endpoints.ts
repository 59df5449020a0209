import type { SourceFactoryOf } from '../source.js';
import type { WhipInputConfig } from '../../types.js';
import { WhipOfferError } from './whip-offer.js';
import { WhipSource, type WhipSourceOptions } from './whip-source.js';

/**
 * The WHIP inputs running on this node, by endpoint id (the channel id): what the API's WHIP
 * routes talk to. A source registers when its channel starts and leaves when it stops; an offer
 * for an endpoint with no running source is `not_running` (503), never a crash.
 */
export class WhipEndpoints {
  private readonly sources = new Map<string, WhipSource>();

  constructor(private readonly options: Pick<WhipSourceOptions, 'network' | 'clock' | 'spawner' | 'ffmpegPath' | 'owner'> = {}) {}

  /** The SourceFactory for `whip` inputs. */
  factory(): SourceFactoryOf<WhipInputConfig> {
    return (input, sink) =>
      new WhipSource({
        input,
        sink,
        ...this.options,
        onRunning: (source, running) => {
          if (running) this.sources.set(input.endpointId, source);
          else if (this.sources.get(input.endpointId) === source) this.sources.delete(input.endpointId);
        },
      });
  }

  has(endpointId: string): boolean {
    return this.sources.has(endpointId);
  }

  async offer(endpointId: string, sdp: string, clientAddress: string): Promise<{ sessionId: string; sdp: string }> {
    const source = this.sources.get(endpointId);
    if (!source) throw new WhipOfferError('not_running', 'the channel is not running: start it, then publish');
    return source.offer(sdp, clientAddress);
  }

  /** Ends whatever session publishes to the input now (its token was rotated); false when none. */
  async endLive(endpointId: string, reason: string): Promise<boolean> {
    const source = this.sources.get(endpointId);
    const sessionId = source?.snapshot().whip?.sessionId;
    return source && sessionId ? source.end(sessionId, reason) : false;
  }

  async end(endpointId: string, sessionId: string, reason?: string): Promise<boolean> {
    return (await this.sources.get(endpointId)?.end(sessionId, reason)) ?? false;
  }

  hasSession(endpointId: string, sessionId: string): boolean {
    return this.sources.get(endpointId)?.hasSession(sessionId) ?? false;
  }
}
