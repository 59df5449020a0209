import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseOutputUrl, type OutputProtocol } from '@mld/contracts';
import type { OutputConfig } from '../types.js';
import { buildFfmpegRtmpArgs } from './ffmpeg-rtmp-command.js';
import { outputRedactor } from './redactor.js';
import { buildSrtLiveTransmitArgs } from './srt-command.js';
import { ffmpegParser, srtLiveTransmitParser } from './tool-parsers.js';

function config(protocol: OutputProtocol, url: string, options = {}): OutputConfig {
  const parsed = parseOutputUrl(protocol, url, options);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return { id: 'o1', name: 'out', protocol, url, host: parsed.value.host, port: parsed.value.port, path: parsed.value.path, options: parsed.value.options };
}

describe('srt-live-transmit arguments', () => {
  it('relays stdin to an SRT caller, latency in milliseconds as written, 7 TS packets per SRT packet', () => {
    const args = buildSrtLiveTransmitArgs(config('srt', 'srt://10.0.0.50:9000?latency=2000', { passphrase: 'abcdefghijkl', pbkeylen: 16 }));
    assert.deepEqual(args, ['-a:no', '-chunk:1316', '-loglevel:warn', '-s:500', '-pf:json', 'file://con', 'srt://10.0.0.50:9000?mode=caller&latency=2000&passphrase=abcdefghijkl&pbkeylen=16']);
  });

  it('listens on every address for srt://:port?mode=listener and passes a streamid as written', () => {
    const args = buildSrtLiveTransmitArgs(config('srt', 'srt://:9001?mode=listener', { streamid: '#!::r=live/feed,m=publish' }));
    assert.equal(args.at(-1), 'srt://:9001?mode=listener&streamid=#!::r=live/feed,m=publish');
  });
});

describe('srt-live-transmit arguments for IPv6', () => {
  it('writes an IPv6 destination in single brackets (it was srt://[[::1]]:port)', () => {
    assert.equal(buildSrtLiveTransmitArgs(config('srt', 'srt://[::1]:9000?latency=120')).at(-1), 'srt://[::1]:9000?mode=caller&latency=120');
    assert.equal(buildSrtLiveTransmitArgs(config('srt', 'srt://[::]:9001?mode=listener')).at(-1), 'srt://[::]:9001?mode=listener');
  });
});

describe('FFmpeg RTMP arguments', () => {
  it('remuxes video and audio only, without transcoding, from stdin to FLV on stdout', () => {
    const args = buildFfmpegRtmpArgs(config('rtmp', 'rtmp://a.rtmp.youtube.com/live2/key-123'));
    const joined = args.join(' ');
    assert.match(joined, /-f mpegts -i pipe:0 -map 0:v:0 -map 0:a:0\? -c copy -f flv/);
    assert.doesNotMatch(joined, /0:d|scte/i);
    assert.equal(args.at(-1), 'pipe:1');
  });

  it('puts neither the URL, the host nor the stream key on the command line (issue #9)', () => {
    const args = buildFfmpegRtmpArgs(config('rtmps', 'rtmps://live-api-s.facebook.com:443/rtmp/FB-123-secret?s_bl=1&a=Zx'));
    const joined = args.join(' ');
    for (const secret of ['FB-123-secret', 'facebook', 'rtmp://', 'rtmps://', 's_bl', 'Zx']) assert.ok(!joined.includes(secret), `${secret} in ${joined}`);
  });
});

describe('outputRedactor', () => {
  it('hides stream keys, passphrases and stream ids wherever they appear', () => {
    const rtmp = outputRedactor(config('rtmp', 'rtmp://a.rtmp.youtube.com/live2/key-123'));
    assert.equal(rtmp('[flv @ 0x1] Failed to connect to rtmp://a.rtmp.youtube.com/live2/key-123'), '[flv @ 0x1] Failed to connect to rtmp://a.rtmp.youtube.com/live2/****');
    assert.equal(rtmp('key-123 rejected'), '**** rejected');
    const srt = outputRedactor(config('srt', 'srt://h:1?passphrase=secretsecret', { streamid: 'publish/abc' }));
    assert.doesNotMatch(srt('srt://h:1?mode=caller&passphrase=secretsecret&streamid=publish/abc'), /secretsecret|publish\/abc/);

    // One path segment is all key; it went through unredacted.
    const single = outputRedactor(config('rtmp', 'rtmp://127.0.0.1:1935/only-key-42'));
    assert.equal(single('[rtmp @ 0x1] Server error: only-key-42 rejected (rtmp://127.0.0.1:1935/only-key-42)'), '[rtmp @ 0x1] Server error: **** rejected (rtmp://127.0.0.1:1935/****)');
    // From three segments on, FFmpeg prints only the last part as the stream name.
    const deep = outputRedactor(config('rtmp', 'rtmp://h/app/inst/deep-key-7'));
    assert.equal(deep('publishing deep-key-7'), 'publishing ****');
  });
});

describe('tool line parsers', () => {
  it('marks codecs FLV cannot carry as fatal', () => {
    // Lines as FFmpeg 5.1 prints them with -loglevel level+warning.
    assert.deepEqual(ffmpegParser.parse('[flv @ 0x55] [error] Video codec hevc not compatible with flv'), { error: '[flv @ 0x55] [error] Video codec hevc not compatible with flv', fatal: true });
    assert.equal(ffmpegParser.parse("[flv @ 0x55] [error] Tag [3][0][0][0] incompatible with output codec id '86016' ([0][0][0][0])")?.fatal, true);
    assert.equal(ffmpegParser.parse('[mpegts @ 0x1] [warning] Packet corrupt (stream = 0, dts = 1)'), undefined);
    assert.equal(ffmpegParser.parse('[flv @ 0x55] codec not currently supported in container')?.fatal, true);
    assert.deepEqual(ffmpegParser.parse('out_time_us=1500000'), { progress: { out_time_us: 1500000 } });
    assert.equal(ffmpegParser.parse('speed=1.01x'), undefined);
  });

  it('sees srt-live-transmit connect and fail', () => {
    assert.deepEqual(srtLiveTransmitParser.parse('SRT target connected'), { progress: { connected: 1 } });
    assert.ok(srtLiveTransmitParser.parse('ERROR: connection setup failure: connection timed out')?.error);
  });
});

describe('tool statistics', () => {
  it('reads srt-live-transmit JSON stats and FFmpeg progress lines', async () => {
    const { parseSrtStatsJson, parseFfmpegProgressLine } = await import('./tool-parsers.js');
    const line = '{"sid":1,"time":5287,"link":{"rtt":0.044,"bandwidth":5483.46},"send":{"packets":1001,"packetsLost":2,"packetsDropped":0,"packetsRetransmitted":3,"msBuf":11,"mbitRate":8.2795},"recv":{"msTsbPdDelay":120}}';
    assert.deepEqual(parseSrtStatsJson(line), { rtt: 0.044, bandwidth: 5483.46, mbitRate: 8.2795, msTsbPdDelay: 120, msBuf: 11, packets: 1001, packetsRetransmitted: 3, packetsLost: 2, packetsDropped: 0 });
    assert.equal(parseSrtStatsJson('Media path: x'), undefined);
    assert.deepEqual(parseFfmpegProgressLine('speed=0.98x'), { key: 'speed', value: 0.98 });
    assert.deepEqual(parseFfmpegProgressLine('bitrate=6013.2kbits/s'), { key: 'bitrate', value: 6013.2 });
    assert.deepEqual(parseFfmpegProgressLine('speed=N/A'), { key: 'speed', value: null });
  });
});
