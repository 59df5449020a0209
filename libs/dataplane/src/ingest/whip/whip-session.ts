import type { WhipPublisherInfo } from '../../types.js';
import type { H264Sps } from '@mld/mpegts';
import type { WhipOfferCodecs } from './whip-offer.js';
import type { WhipPeer, WhipPeerStats } from './whip-peer.js';

/** One publisher session of a WhipSource: its peer, what it offered, and what has been seen of it. */
export interface WhipSession {
  id: string;
  clientAddress: string;
  codecs: WhipOfferCodecs;
  peer: WhipPeer;
  createdAt: number;
  connectedAt: number | null;
  disconnectedAt: number | null;
  lastMediaAt: number | null;
  videoSeen: boolean;
  keyframeSeen: boolean;
  /** When the last IDR's first packet arrived (clock ms). */
  lastIdrAt: number;
  lastPliAt: number;
  sps: H264Sps | null;
  stats: WhipPeerStats | null;
  ended: boolean;
}

/** The session as input health shows it. */
export function publisherInfo(s: WhipSession): WhipPublisherInfo {
  return {
    sessionId: s.id,
    clientAddress: s.clientAddress,
    connectedAt: s.connectedAt,
    iceState: s.stats?.iceState ?? 'new',
    dtlsState: s.stats?.dtlsState ?? 'new',
    rttMs: s.stats?.rttMs ?? null,
    packetsLost: s.stats?.packetsLost ?? 0,
    nacksSent: s.stats?.nacksSent ?? 0,
    plisSent: s.stats?.plisSent ?? 0,
    video: { codec: 'H264', profile: s.sps?.profile ?? s.codecs.video.profile, level: s.sps?.level ?? null, width: s.sps?.width ?? null, height: s.sps?.height ?? null },
    audio: s.codecs.audio ? { codec: 'opus', channels: s.codecs.audio.channels, transcodedTo: 'aac' } : null,
  };
}
