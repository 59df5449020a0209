// The WebRTC publisher of whip-ingest-bench, in its own process so that its cost is not the
// service's: a werift peer that publishes, over WHIP, the RTP an FFmpeg sends it on two loopback
// ports (so no browser encoder competes for the CPU being measured).
//
//   node whip-bench-publisher.js <whip url> <video port> <audio port>
import { createSocket } from 'node:dgram';
import { RTCPeerConnection, RTCRtpCodecParameters, useNACK, useOPUS, usePLI } from 'werift';

const [url, videoPort, audioPort] = process.argv.slice(2);
const pc = new RTCPeerConnection({
  codecs: {
    video: [new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90000, rtcpFeedback: [useNACK(), usePLI()], parameters: 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1' })],
    audio: [useOPUS()],
  },
  iceAdditionalHostAddresses: ['127.0.0.1'],
  iceUseIpv6: false,
});
const video = pc.addTransceiver('video', { direction: 'sendonly' });
const audio = pc.addTransceiver('audio', { direction: 'sendonly' });
await pc.setLocalDescription(await pc.createOffer());
await new Promise<void>((resolve) => {
  if (pc.iceGatheringState === 'complete') resolve();
  pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && resolve());
  setTimeout(resolve, 3000);
});
const res = await fetch(url!, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription!.sdp });
if (res.status !== 201) throw new Error(`offer refused: ${res.status} ${await res.text()}`);
await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
for (const [port, sender] of [
  [Number(videoPort), video.sender],
  [Number(audioPort), audio.sender],
] as const) {
  const socket = createSocket('udp4');
  socket.on('message', (packet) => void sender.sendRtp(packet).catch(() => undefined));
  socket.bind(port, '127.0.0.1');
}
process.stdout.write('publishing\n');
process.on('SIGTERM', () => void pc.close().finally(() => process.exit(0)));
