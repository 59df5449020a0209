import { randomUUID } from 'node:crypto';
import { TsTimelineStitcher } from '@mld/mpegts';
import { defaultSpawner, systemClock, type Clock, type Spawner, type TimerHandle } from '@mld/supervisor';
import type { RtpPacket } from 'werift';
import { RateMeter } from '../../rate-meter.js';
import type { IngestSnapshot, IngestState, WhipInputConfig } from '../../types.js';
import type { Source, SourceEvent, SourceSink } from '../source.js';
import { WHIP_RTP } from './ffmpeg-rtp-remux-command.js';
import { parseH264Sps } from '@mld/mpegts';
import { RtpRemuxProcess } from './rtp-remux-process.js';
import { h264PayloadNals, RtpRestamper } from './rtp-restamper.js';
import { parseWhipOffer, WhipOfferError, type WhipOfferCodecs } from './whip-offer.js';
import { WhipPeer, type WhipNetworkConfig, type WhipPeerState } from './whip-peer.js';
import { publisherInfo, type WhipSession as Session } from './whip-session.js';

export interface WhipSourceOptions {
  input: WhipInputConfig;
  sink: SourceSink;
  network?: WhipNetworkConfig;
  clock?: Clock;
  spawner?: Spawner;
  ffmpegPath?: string;
  /** Supervisor owner of the remux child. Default "input:whip". */
  owner?: string;
  /** Sees every restamped RTP packet as it goes to the remux (specs compare it with the TS). */
  observeRtp?: (kind: 'video' | 'audio', packet: Buffer) => void;
  /** Told when the source starts and stops (WhipEndpoints keeps its registry with it). */
  onRunning?: (source: WhipSource, running: boolean) => void;
}

/** No media for this long: `receiving` becomes `no_signal`. */
export const WHIP_NO_SIGNAL_AFTER_MS = 2000;
/** A session not connected (ICE + DTLS) this long after its answer is dropped, and frees the input. */
export const WHIP_CONNECT_TIMEOUT_MS = 15_000;
/** A connection that stays disconnected (publisher gone without DELETE) this long ends its session. */
export const WHIP_DISCONNECTED_END_MS = 5000;
/** Keyframe requests: every this long until an IDR arrives, and at most this often on loss. */
export const WHIP_PLI_INTERVAL_MS = 1000;
/**
 * A WebRTC encoder sends a key frame only when asked (a PLI/FIR): without requests the TS would
 * have one IDR per session, and a receiver, preview or thumbnail that joins later would wait for
 * ever. Asked for whenever none came for this long: the 2 s GOP that YouTube and Twitch require.
 */
export const WHIP_KEYFRAME_INTERVAL_MS = 2000;
const TICK_MS = 250;

/**
 * A WHIP input (ADR 0017): one WebRTC publisher at a time. Its RTP is restamped into one
 * continuous stream per kind and remuxed to TS by one FFmpeg child that outlives publisher
 * sessions, so a publisher that leaves and comes back continues the same TS (same PIDs,
 * continuity counters and timestamps running on); outputs never restart.
 */
export class WhipSource implements Source {
  private readonly clock: Clock;
  private readonly stitcher = new TsTimelineStitcher();
  private readonly meter = new RateMeter(1000);
  private readonly video = new RtpRestamper(90000, WHIP_RTP.videoSsrc, WHIP_RTP.videoPayloadType);
  private readonly audio = new RtpRestamper(48000, WHIP_RTP.audioSsrc, WHIP_RTP.audioPayloadType);
  private session: Session | undefined;
  /** An offer being answered: holds the input so that a second one is refused (busy). */
  private negotiating = false;
  private remux: RtpRemuxProcess | undefined;
  private running = false;
  private state: IngestState = 'stopped';
  private since: number;
  private error: string | null = null;
  private ticker: TimerHandle | undefined;
  private counters = { packets: 0, bytes: 0, tsBytes: 0, refused: 0 };
  private lastPacketAt: number | null = null;
  private statsPending = false;

  constructor(private readonly options: WhipSourceOptions) {
    this.clock = options.clock ?? systemClock;
    this.since = this.clock.now();
  }

  get endpointId(): string {
    return this.options.input.endpointId;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.options.onRunning?.(this, true);
    this.setState('starting', null);
    this.ticker = this.clock.setInterval(() => this.tick(), TICK_MS);
    this.setState('no_signal', 'waiting for a WHIP publisher');
  }

  async stop(): Promise<void> {
    if (this.running) this.options.onRunning?.(this, false);
    this.running = false;
    if (this.ticker !== undefined) this.clock.clearInterval(this.ticker);
    this.ticker = undefined;
    const session = this.session;
    if (session) await this.endSession(session, 'the channel input stopped');
    const remux = this.remux;
    this.remux = undefined;
    await remux?.stop();
    this.setState('stopped', null);
  }

  lostPackets(): number {
    return this.session?.stats?.packetsLost ?? 0;
  }

  /** Whether a session with this id is the current one (the API checks before DELETE). */
  hasSession(sessionId: string): boolean {
    return this.session?.id === sessionId && !this.session.ended;
  }

  /**
   * Answers a publisher's offer. Refusals are WhipOfferError (the API's 4xx); nothing is left
   * behind by one: the peer is closed before the error leaves.
   */
  async offer(sdp: string, clientAddress: string): Promise<{ sessionId: string; sdp: string }> {
    if (!this.running) throw new WhipOfferError('not_running', 'the channel is not running: start it, then publish');
    const codecs = this.refuseUnless(() => parseWhipOffer(sdp), clientAddress);
    const current = this.session;
    if (this.negotiating || (current && !current.ended)) {
      this.counters.refused += 1;
      this.event('peer_rejected', 'warn', `publisher ${clientAddress} refused: another publisher (${current?.clientAddress ?? 'negotiating'}) is live on this input`, clientAddress);
      throw new WhipOfferError('busy', 'another publisher is live on this input; end its session (DELETE) first');
    }
    this.negotiating = true;
    let session: Session | undefined;
    try {
      const id = randomUUID();
      const peer = await this.refuseUnlessAsync(
        () =>
          WhipPeer.answer(sdp, codecs, this.options.network ?? {}, {
            rtp: (kind, packet) => session && this.rtp(session, kind, packet),
            state: (state) => session && this.peerState(session, state),
            loss: () => session && this.loss(session),
          }),
        clientAddress,
      );
      if (!this.running) {
        await peer.close();
        throw new WhipOfferError('not_running', 'the channel stopped while the offer was answered');
      }
      session = { id, clientAddress, codecs, peer, createdAt: this.clock.now(), connectedAt: null, disconnectedAt: null, lastMediaAt: null, videoSeen: false, keyframeSeen: false, lastIdrAt: 0, lastPliAt: 0, sps: null, stats: null, ended: false };
      this.session = session;
      this.video.startSession();
      this.audio.startSession();
      try {
        await this.useRemux(codecs);
      } catch (err) {
        // No remux (no loopback ports): the publisher is told, and its peer does not linger.
        await this.endSession(session, `the remux could not start: ${(err as Error).message}`);
        throw new WhipOfferError('negotiation_failed', `the input could not start its remux: ${(err as Error).message}`);
      }
      this.error = null;
      this.event('peer_connected', 'info', `publisher ${clientAddress} offered ${codecs.video.profile} H.264${codecs.audio ? ' and Opus audio' : ' (no audio)'}; session ${id}`, clientAddress);
      return { sessionId: id, sdp: peer.answerSdp };
    } finally {
      this.negotiating = false;
    }
  }

  /** Ends a session (WHIP DELETE, or an operator). false: no such session. */
  async end(sessionId: string, reason = 'the publisher ended the session'): Promise<boolean> {
    const session = this.session;
    if (!session || session.id !== sessionId || session.ended) return false;
    await this.endSession(session, reason);
    return true;
  }

  snapshot(): IngestSnapshot {
    const s = this.session && !this.session.ended ? this.session : undefined;
    const remux = this.remux;
    const remuxTrouble = remux && (remux.state === 'backoff' || remux.state === 'failed') ? `remux (FFmpeg) ${remux.state}: ${remux.lastError ?? 'exited'}` : null;
    return {
      state: this.state,
      since: this.since,
      error: this.error ?? remuxTrouble,
      datagrams: this.counters.packets,
      bytes: this.counters.bytes,
      tsBytes: this.counters.tsBytes,
      malformed: this.counters.refused,
      malformedReasons: this.counters.refused ? { refused_offer: this.counters.refused } : {},
      rtp: { lost: s?.stats?.packetsLost ?? 0, duplicates: 0, reordered: 0, late: 0, resyncs: 0, ssrcChanges: 0, ssrc: null },
      lastPacketAt: this.lastPacketAt,
      bitrateBps: this.state === 'receiving' ? this.meter.bitsPerSecond() : 0,
      peer: s?.clientAddress ?? null,
      whip: s ? publisherInfo(s) : null,
    };
  }

  private refuseUnless<T>(fn: () => T, clientAddress: string): T {
    try {
      return fn();
    } catch (err) {
      this.refused(err, clientAddress);
      throw err;
    }
  }

  private async refuseUnlessAsync<T>(fn: () => Promise<T>, clientAddress: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.refused(err, clientAddress);
      throw err;
    }
  }

  private refused(err: unknown, clientAddress: string): void {
    this.counters.refused += 1;
    this.event('peer_rejected', 'warn', `publisher ${clientAddress} refused: ${(err as Error).message}`, clientAddress);
  }

  /** One remux per audio layout: a publisher with the other layout restarts it (stream_restarted). */
  private async useRemux(codecs: WhipOfferCodecs): Promise<void> {
    const audio = codecs.audio !== null;
    const old = this.remux;
    if (old && old.audio === audio && old.state !== 'failed') return;
    const remux: RtpRemuxProcess = new RtpRemuxProcess({
      owner: this.options.owner ?? 'input:whip',
      audio,
      audioChannels: codecs.audio?.channels ?? 2,
      ffmpegPath: this.options.ffmpegPath ?? 'ffmpeg',
      spawner: this.options.spawner ?? defaultSpawner(),
      clock: this.clock,
      onTs: (chunk) => {
        if (this.remux !== remux) return;
        this.counters.tsBytes += chunk.length;
        // A new FFmpeg starts its continuity counters at 0: they continue the last one's (ADR 0010).
        this.stitcher.process(chunk);
        this.sink.ts(chunk);
      },
      onRespawn: (reason) => {
        this.stitcher.startSegment(0, { discontinuity: true });
        if (this.session) this.session.keyframeSeen = false;
        this.event('stream_restarted', 'warn', `the remux (FFmpeg) restarted after: ${reason}; PIDs stay, continuity counters continue, the timing discontinuity is signalled`, null);
      },
    });
    this.remux = remux;
    if (old) {
      this.stitcher.startSegment(0, { discontinuity: true });
      this.event('stream_restarted', 'warn', `the publisher ${audio ? 'adds' : 'has no'} audio: the remux restarts; PIDs stay, continuity counters continue, the timing discontinuity is signalled`, null);
      await old.stop();
    }
    await remux.start();
  }

  private get sink(): SourceSink {
    return this.options.sink;
  }

  private rtp(session: Session, kind: 'video' | 'audio', packet: RtpPacket): void {
    if (session !== this.session || session.ended || !this.remux) return;
    const now = this.clock.now();
    const payload = packet.payload;
    this.counters.packets += 1;
    this.counters.bytes += payload.length + 12;
    this.lastPacketAt = now;
    session.lastMediaAt = now;
    if (this.state === 'no_signal') this.setState('receiving', null);
    const { header } = packet;
    if (kind === 'video') {
      if (!session.videoSeen) {
        session.videoSeen = true;
        this.pli(session, now);
      }
      const nals = h264PayloadNals(payload);
      if (nals.sps) session.sps = parseH264Sps(nals.sps) ?? session.sps;
      if (nals.types.includes(5)) {
        session.keyframeSeen = true;
        session.lastIdrAt = now;
      }
      const out = this.video.rewriteParts(header.sequenceNumber, header.timestamp, header.marker, payload, now);
      this.options.observeRtp?.('video', out);
      this.remux.sendVideo(out);
    } else if (session.videoSeen) {
      // Audio starts with the video: FFmpeg bases each stream on its own first packet (no RTCP SR here).
      const out = this.audio.rewriteParts(header.sequenceNumber, header.timestamp, header.marker, payload, now);
      this.options.observeRtp?.('audio', out);
      this.remux.sendAudio(out);
    }
  }

  private loss(session: Session): void {
    const now = this.clock.now();
    if (now - session.lastPliAt >= WHIP_PLI_INTERVAL_MS * 2) this.pli(session, now);
  }

  private pli(session: Session, now: number): void {
    session.lastPliAt = now;
    session.peer.requestKeyframe();
  }

  private peerState(session: Session, state: WhipPeerState): void {
    if (session.ended) return;
    session.disconnectedAt = state === 'disconnected' ? this.clock.now() : null;
    if (state === 'connected' && session.connectedAt === null) {
      session.connectedAt = this.clock.now();
      this.event('peer_connected', 'info', `publisher ${session.clientAddress} connected (ICE and DTLS up)`, session.clientAddress);
    } else if (state === 'failed' || state === 'closed') {
      void this.endSession(session, `the WebRTC connection ${state}`);
    }
  }

  private async endSession(session: Session, reason: string): Promise<void> {
    if (session.ended) return;
    session.ended = true;
    this.event('peer_disconnected', 'info', `publisher ${session.clientAddress} left: ${reason}`, session.clientAddress);
    if (this.state === 'receiving') this.setState('no_signal', `publisher ${session.clientAddress} left: ${reason}`);
    await session.peer.close();
  }

  private tick(): void {
    const now = this.clock.now();
    this.meter.sample(now, this.counters.bytes);
    const s = this.session;
    const live = s && !s.ended ? s : undefined;
    if (live && live.connectedAt === null && now - live.createdAt >= WHIP_CONNECT_TIMEOUT_MS) void this.endSession(live, `not connected within ${WHIP_CONNECT_TIMEOUT_MS / 1000} s of the answer (ICE/DTLS failed: check the UDP ports and ICE servers)`);
    if (live && live.disconnectedAt !== null && now - live.disconnectedAt >= WHIP_DISCONNECTED_END_MS) void this.endSession(live, `the WebRTC connection stayed disconnected for ${WHIP_DISCONNECTED_END_MS / 1000} s`);
    if (live && live.videoSeen && !live.keyframeSeen && now - live.lastPliAt >= WHIP_PLI_INTERVAL_MS) this.pli(live, now);
    // Ask early enough (one tick and a round trip) that the IDR arrives at the interval, not after it.
    const dueAt = live ? live.lastIdrAt + WHIP_KEYFRAME_INTERVAL_MS - TICK_MS - (live.stats?.rttMs ?? 0) : Infinity;
    if (live && live.keyframeSeen && now >= dueAt && now - live.lastPliAt >= WHIP_PLI_INTERVAL_MS) this.pli(live, now);
    if (live && !this.statsPending) {
      this.statsPending = true;
      void live.peer.stats().then((stats) => {
        this.statsPending = false;
        live.stats = stats;
      });
    }
    if (!live || live.lastMediaAt === null || now - live.lastMediaAt >= 1000) this.remux?.idle();
    if (this.state === 'receiving' && (!live || live.lastMediaAt === null || now - live.lastMediaAt >= WHIP_NO_SIGNAL_AFTER_MS)) {
      this.setState('no_signal', `no media from the publisher for ${WHIP_NO_SIGNAL_AFTER_MS / 1000} s`);
    }
  }

  private event(kind: SourceEvent['kind'], level: SourceEvent['level'], message: string, peer: string | null): void {
    this.sink.event?.({ kind, level, message, peer });
  }

  private setState(to: IngestState, detail: string | null): void {
    if (to === this.state) return;
    const from = this.state;
    this.state = to;
    this.since = this.clock.now();
    this.sink.stateChanged(from, to, detail);
  }
}
