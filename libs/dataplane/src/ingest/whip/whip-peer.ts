import { RTCPeerConnection, RTCRtpCodecParameters, useNACK, useOPUS, usePLI, type MediaStreamTrack, type RTCRtpTransceiver, type RtpPacket } from 'werift';
import { WhipOfferError, type WhipOfferCodecs } from './whip-offer.js';

/** How this node meets publishers (ADR 0017, docs/inputs.md "WHIP"). */
export interface WhipNetworkConfig {
  /** Extra host candidate addresses (e.g. the public address of a host-networked node). Default: the node's interfaces. */
  hostAddresses?: string[];
  /** UDP ports ICE may use, inclusive: open these in the firewall. Default: any ephemeral port. */
  portRange?: [number, number];
  /** STUN/TURN servers for the node's own candidates. Default none (host candidates only). */
  iceServers?: { urls: string | string[]; username?: string; credential?: string }[];
  /** Longest wait for candidates (STUN/TURN) before answering. Default 3000 ms. */
  gatherTimeoutMs?: number;
}

export type WhipPeerState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

export interface WhipPeerStats {
  iceState: string;
  dtlsState: string;
  rttMs: number | null;
  packetsLost: number;
  nacksSent: number;
  plisSent: number;
  bytesReceived: number;
}

export interface WhipPeerHandlers {
  rtp(kind: 'video' | 'audio', packet: RtpPacket): void;
  state(state: WhipPeerState): void;
  /** A video packet was lost (the stack sent a NACK); the source decides whether to ask for a keyframe. */
  loss(): void;
}

/**
 * One publisher's WebRTC peer (werift, ADR 0017): answers the offer with only the H.264 profile
 * and Opus that parseWhipOffer chose, receives, and can ask for a keyframe. Nothing here knows
 * about TS or channels.
 */
export class WhipPeer {
  private plis = 0;
  private videoTrack: { track: MediaStreamTrack; transceiver: RTCRtpTransceiver } | undefined;
  private closed = false;

  private constructor(
    private readonly pc: RTCPeerConnection,
    readonly answerSdp: string,
  ) {}

  static async answer(offerSdp: string, codecs: WhipOfferCodecs, network: WhipNetworkConfig, handlers: WhipPeerHandlers): Promise<WhipPeer> {
    const pc = new RTCPeerConnection({
      codecs: {
        video: [new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90000, rtcpFeedback: [useNACK(), usePLI()], parameters: codecs.video.fmtp })],
        audio: codecs.audio ? [useOPUS({ channels: 2, parameters: codecs.audio.fmtp || undefined })] : [],
      },
      iceServers: network.iceServers ?? [],
      icePortRange: network.portRange,
      iceAdditionalHostAddresses: network.hostAddresses,
      iceUseIpv6: false,
      iceUseTcp: false,
      iceTcpPassive: false,
      iceStunGatherTimeout: Math.max(1, Math.ceil((network.gatherTimeoutMs ?? 3000) / 1000)),
    });
    let peer: WhipPeer | undefined;
    try {
      pc.onRemoteTransceiverAdded.subscribe((transceiver) => {
        transceiver.onTrack.subscribe((track) => {
          const kind = track.kind === 'video' ? 'video' : 'audio';
          if (kind === 'video' && peer) peer.videoTrack = { track, transceiver };
          if (kind === 'video') transceiver.receiver.onPacketLost.subscribe(() => handlers.loss());
          track.onReceiveRtp.subscribe((packet) => handlers.rtp(kind, packet));
        });
      });
      pc.connectionStateChange.subscribe((state) => handlers.state(state));
      await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered(pc, (network.gatherTimeoutMs ?? 3000) + 500);
      const sdp = pc.localDescription?.sdp;
      if (!sdp) throw new Error('no local description');
      peer = new WhipPeer(pc, sdp);
      return peer;
    } catch (err) {
      await pc.close().catch(() => undefined);
      throw new WhipOfferError('negotiation_failed', `the WebRTC negotiation failed: ${(err as Error).message}`);
    }
  }

  /** The video track arrived before `answer` returned (its packets come after ICE and DTLS). */
  adoptVideo(): void {
    if (this.videoTrack) return;
    for (const transceiver of this.pc.getTransceivers()) {
      const track = transceiver.receiver.tracks.find((t) => t.kind === 'video');
      if (track) this.videoTrack = { track, transceiver };
    }
  }

  /** Picture Loss Indication: the encoder sends an IDR, so outputs get a picture quickly. */
  requestKeyframe(): void {
    this.adoptVideo();
    const video = this.videoTrack;
    if (!video || video.track.ssrc === undefined || this.closed) return;
    this.plis += 1;
    video.transceiver.receiver.sendRtcpPLI(video.track.ssrc).catch(() => undefined);
  }

  async stats(): Promise<WhipPeerStats> {
    const out: WhipPeerStats = { iceState: this.pc.iceConnectionState, dtlsState: this.pc.connectionState, rttMs: null, packetsLost: 0, nacksSent: 0, plisSent: this.plis, bytesReceived: 0 };
    try {
      const report = await this.pc.getStats();
      for (const stat of report.values() as Iterable<Record<string, unknown>>) {
        if (stat['type'] === 'inbound-rtp') {
          out.packetsLost += num(stat['packetsLost']);
          out.nacksSent += num(stat['nackCount']);
          out.bytesReceived += num(stat['bytesReceived']);
        } else if (stat['type'] === 'candidate-pair' && (stat['nominated'] || stat['state'] === 'succeeded') && typeof stat['currentRoundTripTime'] === 'number') {
          out.rttMs = Math.round(stat['currentRoundTripTime'] * 1000);
        } else if (stat['type'] === 'transport' && typeof stat['dtlsState'] === 'string') {
          out.dtlsState = stat['dtlsState'];
        }
      }
    } catch {
      // Stats are best effort: a closing peer may refuse them.
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pc.close().catch(() => undefined);
  }
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function gathered(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    const sub = pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') done();
    });
    function done(): void {
      clearTimeout(timer);
      sub.unSubscribe();
      resolve();
    }
  });
}
