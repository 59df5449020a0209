import { errorMessage } from './whip-view';

/**
 * A WHIP (RFC 9725) publisher for the browser, without Angular: offer the stream's tracks
 * send-only, POST the offer with the bearer token, apply the answer; DELETE the session to stop.
 * The page ("Go live from this browser") wraps it; the fetch and the peer connection are passed in.
 */
export interface WhipPublishDeps {
  fetch: typeof fetch;
  createPeerConnection: () => RTCPeerConnection;
  /** Longest wait for ICE candidates before the offer is sent (no trickle). */
  gatherTimeoutMs?: number;
}

export interface WhipPublication {
  readonly pc: RTCPeerConnection;
  /** The session resource (Location), absolute. */
  readonly sessionUrl: string;
  /** Ends the session (DELETE) and closes the connection; never throws. */
  stop(): Promise<void>;
}

export class WhipPublishError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'WhipPublishError';
  }
}

export async function publishWhip(endpoint: string, token: string, stream: MediaStream, deps: WhipPublishDeps): Promise<WhipPublication> {
  const pc = deps.createPeerConnection();
  try {
    for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    preferH264(pc);
    await pc.setLocalDescription(await pc.createOffer());
    await iceGathered(pc, deps.gatherTimeoutMs ?? 2000);
    const response = await deps.fetch(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` }, body: pc.localDescription?.sdp ?? '' });
    const text = await response.text();
    if (response.status !== 201) throw new WhipPublishError(response.status, errorMessage(response.status, text));
    const location = response.headers.get('Location');
    if (!location) throw new WhipPublishError(response.status, 'the server answered without a session (Location) header');
    await pc.setRemoteDescription({ type: 'answer', sdp: text });
    const sessionUrl = new URL(location, new URL(endpoint, window.location.href)).toString();
    let stopped = false;
    return {
      pc,
      sessionUrl,
      async stop() {
        if (stopped) return;
        stopped = true;
        await deps.fetch(sessionUrl, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } }).catch(() => undefined);
        pc.close();
      },
    };
  } catch (err) {
    pc.close();
    throw err;
  }
}

/** The server takes H.264 only (video is not transcoded): ask the browser to offer it first. */
function preferH264(pc: RTCPeerConnection): void {
  const capabilities = typeof RTCRtpSender !== 'undefined' ? RTCRtpSender.getCapabilities?.('video') : null;
  if (!capabilities) return;
  const h264 = capabilities.codecs.filter((c) => c.mimeType.toLowerCase() === 'video/h264' && /packetization-mode=1/.test(c.sdpFmtpLine ?? ''));
  if (h264.length === 0) return;
  const rest = capabilities.codecs.filter((c) => !h264.includes(c));
  for (const t of pc.getTransceivers()) if (t.sender.track?.kind === 'video') t.setCodecPreferences([...h264, ...rest]);
}

function iceGathered(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
    function check(): void {
      if (pc.iceGatheringState === 'complete') done();
    }
    function done(): void {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    }
  });
}
