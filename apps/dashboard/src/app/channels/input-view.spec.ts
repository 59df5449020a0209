import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelInputView, ChannelRuntime } from '@mld/contracts';
import { connectionSection, inputHealthStats, rtmpConnection, srtListenerConnection } from './input-view.js';

const NOW = Date.parse('2026-11-25T12:00:00.000Z');

function runtime(extra: Partial<ChannelRuntime> = {}): ChannelRuntime {
  return {
    state: 'receiving',
    since: '2026-11-25T11:59:00.000Z',
    error: null,
    datagrams_in: 12_345,
    bytes_in: 2_500_000,
    ts_bytes: 2_500_000,
    malformed: 0,
    malformed_reasons: {},
    rtp: { lost: 3, duplicates: 0, reordered: 1, late: 0, resyncs: 0, ssrc_changes: 0, ssrc: 1 },
    last_packet_at: '2026-11-25T11:59:58.000Z',
    bitrate_bps: 8_000_000,
    peer: null,
    srt: null,
    rtmp: null,
    file: null,
    analysis: null,
    redundancy: null,
    merge: null,
    slate: null,
    ...extra,
  };
}

const byId = (stats: ReturnType<typeof inputHealthStats>) => Object.fromEntries(stats.map((s) => [s.testId, s]));
const RTMP: ChannelInputView = { type: 'rtmp', stream_key: 'live_abc123', publish_url: 'rtmp://10.0.0.1:1936/live/live_abc123' };
const LISTENER: ChannelInputView = { type: 'srt', mode: 'listener', bind_ip: '0.0.0.0', host: null, port: 9000, latency: 200, passphrase: 'correct-horse-battery', pbkeylen: 32, streamid: null, connect_url: 'srt://10.0.0.1:9000' };

describe('connection details', () => {
  it('splits the RTMP publish URL into server and key, masked until shown', () => {
    assert.deepEqual(rtmpConnection(RTMP), {
      server: 'rtmp://10.0.0.1:1936/live',
      streamKey: 'live_abc123',
      publishUrl: 'rtmp://10.0.0.1:1936/live/live_abc123',
      maskedPublishUrl: 'rtmp://10.0.0.1:1936/live/****',
      serverMasked: false,
    });
    const viewer = rtmpConnection({ type: 'rtmp', stream_key: '****', publish_url: 'rtmp://10.0.0.1/live/****' });
    assert.equal(viewer?.serverMasked, true);
    assert.equal(viewer?.server, 'rtmp://10.0.0.1/live');
    assert.equal(rtmpConnection({ type: 'rtmp', stream_key: 'k' }), null, 'no publish URL, nothing to tell');
    assert.equal(rtmpConnection(LISTENER), null);
  });

  it('gives an SRT listener\'s URL with latency and encryption, nothing for a caller', () => {
    assert.deepEqual(srtListenerConnection(LISTENER), { connectUrl: 'srt://10.0.0.1:9000', latencyMs: 200, passphrase: 'correct-horse-battery', encryption: 'AES-256' });
    assert.equal(srtListenerConnection({ ...LISTENER, passphrase: '****', pbkeylen: null })?.encryption, 'AES-128');
    assert.equal(srtListenerConnection({ ...LISTENER, passphrase: null, pbkeylen: null })?.encryption, null);
    assert.equal(srtListenerConnection({ ...LISTENER, mode: 'caller', connect_url: undefined }), null);
  });
});

describe('connection details of a main/backup pair', () => {
  it('gives the backup its own section and test ids: its publish URL or connect URL, not the main\'s', () => {
    const main = connectionSection('main', { type: 'rtmp', stream_key: 'main-key-0123456789', publish_url: 'rtmp://10.0.0.1:1935/live/main-key-0123456789' });
    const backup = connectionSection('backup', { type: 'rtmp', stream_key: 'backup-key-987654321', publish_url: 'rtmp://10.0.0.1:1935/live/backup-key-987654321' });
    assert.deepEqual([main.prefix, backup.prefix], ['', 'backup-']);
    assert.equal(backup.rtmp?.publishUrl, 'rtmp://10.0.0.1:1935/live/backup-key-987654321');
    assert.equal(backup.rtmp?.streamKey, 'backup-key-987654321');
    const srt = connectionSection('backup', { type: 'srt', mode: 'listener', bind_ip: '0.0.0.0', host: null, port: 9002, latency: 200, passphrase: null, pbkeylen: null, streamid: null, connect_url: 'srt://10.0.0.1:9002' });
    assert.equal(srt.srt?.connectUrl, 'srt://10.0.0.1:9002');
    assert.equal(srt.rtmp, null);
    const caller = connectionSection('backup', { type: 'srt', mode: 'caller', bind_ip: '0.0.0.0', host: 'enc-b', port: 9000, latency: 200, passphrase: null, pbkeylen: null, streamid: null });
    assert.equal(caller.caller, 'srt://enc-b:9000');
    const rtp = connectionSection('backup', { type: 'rtp', bind_ip: '0.0.0.0', port: 5002, source_ip: null, interface_ip: null });
    assert.deepEqual([rtp.srt, rtp.rtmp, rtp.caller], [null, null, null], 'nothing to tell an RTP encoder');
  });
});

describe('input health per kind', () => {
  it('shows RTP counters for RTP/UDP inputs, loss in the danger colour', () => {
    const stats = byId(inputHealthStats({ type: 'rtp', bind_ip: '0.0.0.0', port: 5000, source_ip: null, interface_ip: null }, runtime(), NOW));
    assert.equal(stats['rtp-lost']?.value, '3');
    assert.equal(stats['rtp-lost']?.bad, true);
    assert.equal(stats['input-datagrams']?.value, '12 345');
    assert.equal(stats['input-last-packet']?.value, '2 s ago');
    assert.equal(stats['srt-rtt'], undefined);
  });

  it('shows the SRT link: peer, RTT, rate, latency, loss, retransmissions and drops', () => {
    const rt = runtime({
      peer: '10.1.2.3:41234',
      srt: { at: '', rtt_ms: 12.345, recv_rate_mbps: 8.02, latency_ms: 200, packets_received: 100_000, packets_lost: 12, packets_retransmitted: 10, packets_dropped: 2 },
    });
    const stats = byId(inputHealthStats(LISTENER, rt, NOW));
    assert.deepEqual(
      ['srt-peer', 'srt-rtt', 'srt-recv-rate', 'srt-latency', 'srt-received', 'srt-lost', 'srt-retransmitted', 'srt-dropped'].map((id) => stats[id]?.value),
      ['10.1.2.3:41234', '12.3 ms', '8.0 Mbit/s', '200 ms', '100 000', '12', '10', '2'],
    );
    assert.equal(stats['srt-dropped']?.bad, true);
    assert.equal(stats['rtp-lost'], undefined, 'no RTP counters on an SRT input');
    assert.deepEqual(inputHealthStats(LISTENER, runtime(), NOW).map((s) => s.value).slice(-1), ['nobody connected']);
  });

  it('shows the RTMP publisher: client, encoder, codecs, resolution, fps, bitrates', () => {
    const rt = runtime({
      peer: '10.1.2.4:50000',
      rtmp: { client_address: '10.1.2.4:50000', encoder: 'obs-output module (libobs version 30.1.2)', video_codec: 'h264', audio_codec: 'aac', width: 1920, height: 1080, frame_rate: 29.97003, video_kbps: 4500, audio_kbps: 160, connected_at: '2026-11-25T11:55:00.000Z' },
    });
    const stats = byId(inputHealthStats(RTMP, rt, NOW));
    assert.deepEqual(
      ['rtmp-client', 'rtmp-encoder', 'rtmp-codecs', 'rtmp-resolution', 'rtmp-fps', 'rtmp-bitrates', 'rtmp-connected'].map((id) => stats[id]?.value),
      ['10.1.2.4:50000', 'obs-output module (libobs version 30.1.2)', 'h264 / aac', '1920×1080', '29.97 fps', '4.5 Mbit/s / 160 kbit/s', '5 m 00 s'],
    );
    const bare = byId(inputHealthStats(RTMP, runtime({ rtmp: { client_address: 'c', encoder: null, video_codec: 'h264', audio_codec: null, width: null, height: null, frame_rate: null, video_kbps: null, audio_kbps: null, connected_at: '' } }), NOW));
    assert.deepEqual([bare['rtmp-codecs']?.value, bare['rtmp-resolution']?.value, bare['rtmp-fps']?.value, bare['rtmp-bitrates']?.value], ['h264 / no audio', '—', '—', '— / —']);
    assert.equal(byId(inputHealthStats(RTMP, runtime(), NOW))['rtmp-client']?.value, 'nobody publishing');
  });

  it('shows the WHIP publisher: client, ICE/DTLS, RTT, H.264 as sent, Opus → AAC, loss', () => {
    const whip: ChannelInputView = { type: 'whip', token: '****' };
    const rt = runtime({
      whip: { session_id: 's', client_address: '10.1.2.5', connected_at: '2026-11-25T11:59:00.000Z', ice_state: 'connected', dtls_state: 'connected', rtt_ms: 12, packets_lost: 4, nacks_sent: 3, plis_sent: 2, video: { codec: 'H264', profile: 'Constrained Baseline', level: '3.1', width: 1280, height: 720 }, audio: { codec: 'opus', channels: 2, transcoded_to: 'aac' } },
    });
    const stats = byId(inputHealthStats(whip, rt, NOW));
    assert.deepEqual(
      ['whip-client', 'whip-state', 'whip-rtt', 'whip-video', 'whip-audio', 'whip-loss', 'whip-connected'].map((id) => stats[id]?.value),
      ['10.1.2.5', 'connected / connected', '12 ms', 'H.264 Constrained Baseline 3.1, 1280×720 (not transcoded)', 'Opus stereo → AAC', '4 / 3 / 2', '1 m 00 s'],
    );
    assert.equal(byId(inputHealthStats(whip, runtime(), NOW))['whip-client']?.value, 'nobody publishing');
  });

  it('shows a file\'s name, position in its duration and loops', () => {
    const file: ChannelInputView = { type: 'file', media_id: 'm1', loop: true };
    const stats = byId(inputHealthStats(file, runtime({ file: { media_id: 'm1', duration_ms: 4_000, position_ms: 2_500, loops: 7, loop: true } }), NOW, 'Studio slate'));
    assert.deepEqual([stats['file-media']?.value, stats['file-position']?.value, stats['file-loops']?.value], ['Studio slate', '0:02.5 / 0:04.0', '7']);
    assert.equal(byId(inputHealthStats(file, runtime(), NOW))['file-media']?.value, 'm1', 'the id stands in until the name is known');
    assert.equal(byId(inputHealthStats({ ...file, loop: false }, runtime({ file: { media_id: 'm1', duration_ms: 4_000, position_ms: 0, loops: 0, loop: false } }), NOW))['file-loops']?.value, 'no loop');
  });
});
