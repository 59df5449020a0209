import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelEntity } from '../channels/channel.entity.js';
import type { OutputEntity } from '../outputs/output.entity.js';
import { toChannelConfig } from './pipeline-config.js';

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
    outputs: outputs.map((o, i) => ({ ...base, id: `o${i}`, ...o })),
  } as unknown as ChannelEntity;
}

describe('toChannelConfig', () => {
  it('hands the data plane lower-case schemes and bare IPv6 hosts, whatever an older row says', () => {
    const { config } = toChannelConfig(channel([{ protocol: 'rtmp', url: 'RTMP://h/live/k' }, { protocol: 'srt', url: 'srt://[::1]:9000' }]));
    assert.equal(config!.outputs[0]!.url, 'rtmp://h/live/k');
    assert.equal(config!.outputs[1]!.host, '::1');
  });
});
