/**
 * How every FFmpeg child of the data plane reads the channel: TS on stdin, probed long enough for
 * a late-starting PID or a stream joined mid-GOP (EVIDENCE §10), video and audio only, no
 * transcoding. Only video and audio are mapped: the sparse SCTE-35 data stream would make a muxer
 * hold everything back until the next cue, and FLV/HLS-in-FFmpeg do not carry it anyway.
 */
export function ffmpegTsInputArgs(): string[] {
  return [
    '-probesize', '10000000',
    '-analyzeduration', '5000000',
    '-fflags', '+genpts+discardcorrupt',
    '-f', 'mpegts',
    '-i', 'pipe:0',
    '-map', '0:v:0',
    '-map', '0:a:0?',
    '-c', 'copy',
  ];
}
