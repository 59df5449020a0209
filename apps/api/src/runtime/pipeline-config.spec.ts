import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelEntity } from '../channels/channel.entity.js';
import type { OutputEntity } from '../outputs/output.entity.js';
import { toChannelConfig, toChannelInputConfig, toInputConfig } from './pipeline-config.js';

function channel(outputs: Array<Partial<OutputEntity>>): ChannelEntity {
  const base = { enabled: true, desiredState: 'running', options: {}, name: 'o' };
  return {
    id: 'c1',
    name: 'c',
    desiredState: 'running',
    inputType: 'udp',
    bindIp: '127.0.0.1',
    port: 5000,
    sourceIp: null,
    interfaceIp: null,
    inputMediaId: null,
    inputSettings: {},
    outputs: outputs.map((o, i) => ({ ...base, id: `o${i}`, ...o })),
  } as unknown as ChannelEntity;
}

const MEDIA = (id: string) => `/data/media/${id}.ts`;

describe('toChannelConfig', () => {
  it('hands the data plane lower-case schemes and bare IPv6 hosts, whatever an older row says', () => {
    const { config } = toChannelConfig(channel([{ protocol: 'rtmp', url: 'RTMP://h/live/k' }, { protocol: 'srt', url: 'srt://[::1]:9000' }]), MEDIA);
    assert.equal(config!.outputs[0]!.url, 'rtmp://h/live/k');
    assert.equal(config!.outputs[1]!.host, '::1');
  });

  it('gives the data plane each kind of input with its own fields; a file by its path under the media directory', () => {
    const srt = toInputConfig({ type: 'srt', mode: 'listener', bind_ip: '0.0.0.0', host: null, port: 9000, latency: 250, passphrase: 'correct-horse-77', pbkeylen: 16, streamid: null }, MEDIA);
    assert.deepEqual(srt, { type: 'srt', mode: 'listener', bindIp: '0.0.0.0', host: null, port: 9000, latencyMs: 250, passphrase: 'correct-horse-77', pbkeylen: 16, streamId: null });
    assert.deepEqual(toInputConfig({ type: 'file', media_id: 'abc', loop: false }, MEDIA), { type: 'file', mediaId: 'abc', path: '/data/media/abc.ts', loop: false });
    assert.deepEqual(toInputConfig({ type: 'rtmp', stream_key: 'live_k' }, MEDIA), { type: 'rtmp', streamKey: 'live_k' });
  });

  it('a backup makes a main/backup pair with the pinned input, or in merge mode two RTP paths; a file backup plays from the media directory', () => {
    const udp = { type: 'udp', bindIp: '127.0.0.1', port: 5000, sourceIp: null, interfaceIp: null };
    const failover = { mode: 'failover' as const, prefer: 'none' as const, loss_ms: 300, restore_ms: 2000, merge_window_ms: 200 };
    const pair = toChannelInputConfig({ ...channel([]), backupInput: { type: 'file', media_id: 'm1', loop: true }, failover, inputSelection: 'backup' }, MEDIA);
    assert.deepEqual(pair, {
      type: 'redundant',
      main: udp,
      backup: { type: 'file', mediaId: 'm1', path: '/data/media/m1.ts', loop: true },
      failover: { mode: 'failover', prefer: 'none', lossMs: 300, restoreMs: 2000 },
      selection: 'backup',
    });
    const rtpMain = { ...channel([]), inputType: 'rtp' as const };
    const backup = { type: 'rtp' as const, bind_ip: '127.0.0.1', port: 5002, source_ip: null, interface_ip: null };
    const merged = toChannelInputConfig({ ...rtpMain, backupInput: backup, failover: { ...failover, mode: 'merge', merge_window_ms: 120 }, inputSelection: 'auto' }, MEDIA);
    assert.deepEqual(merged, { type: 'merged', paths: [{ ...udp, type: 'rtp' }, { type: 'rtp', bindIp: '127.0.0.1', port: 5002, sourceIp: null, interfaceIp: null }], windowMs: 120 });
    assert.deepEqual(toChannelInputConfig({ ...channel([]), backupInput: null, failover: null, inputSelection: 'auto' }, MEDIA), udp);
  });
});
