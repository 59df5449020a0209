import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelWithOutputsResponse, OutputResponse } from '@mld/contracts';
import { channelFields, formatEndpoint, formatOptions, formatTimestamp, inputEndpoint, inputTypeText, inputWhere, sortOutputs } from './channel-view.js';

function output(id: string, name: string): OutputResponse {
  return {
    id,
    channel_id: 'c1',
    name,
    protocol: 'srt',
    url: 'srt://10.0.0.50:9000?passphrase=****',
    options: { latency: 200, passphrase: '****' },
    enabled: true,
    desired_state: 'running',
    runtime: null,
    secrets_masked: true,
    created_at: '2026-11-25T12:00:00.000Z',
    updated_at: '2026-11-25T12:00:00.000Z',
  };
}

const channel: ChannelWithOutputsResponse = {
  id: 'c1',
  name: 'News',
  description: '',
  input: { type: 'rtp', bind_ip: '239.1.1.1', port: 5000, source_ip: '10.0.0.9', interface_ip: null },
  backup_input: null,
  failover: null,
  input_selection: 'auto',
  input_loss: { action: 'none', after_ms: 1000, slate_media_id: null, ts_outputs: false },
  input_type: 'rtp',
  bind_ip: '239.1.1.1',
  port: 5000,
  source_ip: '10.0.0.9',
  interface_ip: null,
  rtp_ip: '239.1.1.1',
  rtp_port: 5000,
  desired_state: 'running',
  runtime: null,
  output_count: 2,
  created_at: '2026-11-25T12:00:00.000Z',
  updated_at: 'not a date',
  outputs: [output('o2', 'YouTube'), output('o1', 'Backup SRT')],
};

describe('channel view helpers', () => {
  it('formats endpoints with brackets for IPv6', () => {
    assert.equal(formatEndpoint('239.1.1.1', 5000), '239.1.1.1:5000');
    assert.equal(formatEndpoint('ff3e::1', 5000), '[ff3e::1]:5000');
  });

  it('formats timestamps in UTC and passes unparseable text through', () => {
    assert.equal(formatTimestamp('2026-11-25T12:00:00.123Z'), '2026-11-25 12:00:00 UTC');
    assert.equal(formatTimestamp(null), '—');
    assert.equal(formatTimestamp('soon'), 'soon');
  });

  it('lists options as key=value, keeping server masks', () => {
    assert.equal(formatOptions({ latency: 200, passphrase: '****' }), 'latency=200, passphrase=****');
    assert.equal(formatOptions({}), '—');
  });

  it('describes a channel field by field', () => {
    const fields = Object.fromEntries(channelFields(channel).map((f) => [f.label, f.value]));
    assert.equal(fields['Input address'], '239.1.1.1:5000');
    assert.equal(fields['Input type'], 'RTP');
    assert.equal(fields['Description'], '—');
    assert.equal(fields['Source IP (SSM)'], '10.0.0.9');
    assert.equal(fields['Interface IP'], '—');
    assert.equal(fields['Outputs'], '2');
  });

  it('says where each kind of input receives, in one line for the channel list', () => {
    const flat = { bind_ip: null, port: null };
    assert.equal(inputEndpoint(channel), '239.1.1.1:5000');
    assert.equal(inputEndpoint({ ...flat, input: { type: 'srt', mode: 'listener', bind_ip: '0.0.0.0', host: null, port: 9000, latency: 200, passphrase: null, pbkeylen: null, streamid: null } }), 'srt listener 0.0.0.0:9000');
    assert.equal(inputEndpoint({ ...flat, input: { type: 'srt', mode: 'caller', bind_ip: '0.0.0.0', host: 'enc.example.net', port: 9001, latency: 200, passphrase: '****', pbkeylen: null, streamid: null } }), 'srt caller enc.example.net:9001');
    assert.equal(inputEndpoint({ ...flat, input: { type: 'rtmp', stream_key: '****', publish_url: 'rtmp://10.0.0.1/live/****' } }), 'rtmp push');
    assert.equal(inputEndpoint({ ...flat, input: { type: 'file', media_id: 'm1', loop: true } }), 'file (looped)');
    assert.equal(inputEndpoint({ ...flat, input: { type: 'file', media_id: 'm1', loop: false } }), 'file');
    assert.equal(inputEndpoint({ bind_ip: '0.0.0.0', port: 5000, input: undefined as never }), '0.0.0.0:5000', 'an answer without input (older server) falls back to the flat fields');
    assert.equal(inputEndpoint({ ...flat, input: undefined as never }), '—');
  });

  it('says where without the kind for the page header', () => {
    const flat = { bind_ip: null, port: null };
    assert.equal(inputWhere(channel), '239.1.1.1:5000');
    assert.equal(inputWhere({ ...flat, input: { type: 'srt', mode: 'caller', bind_ip: '0.0.0.0', host: 'enc', port: 9001, latency: 200, passphrase: null, pbkeylen: null, streamid: null } }), 'calls enc:9001');
    assert.equal(inputWhere({ ...flat, input: { type: 'rtmp', stream_key: '****' } }), null);
    assert.equal(inputWhere({ ...flat, input: { type: 'file', media_id: 'm1', loop: false } }), 'played once');
  });

  it('names the kind of input and its settings, secrets only as "set"', () => {
    assert.equal(inputTypeText({ type: 'rtmp' }), 'RTMP push');
    assert.equal(inputTypeText({ type: 'srt', mode: 'caller' }), 'SRT caller');
    const srt = channelFields({ ...channel, input_type: 'srt', input: { type: 'srt', mode: 'caller', bind_ip: '0.0.0.0', host: 'enc', port: 9001, latency: 250, passphrase: '****', pbkeylen: 32, streamid: '****' } });
    const fields = Object.fromEntries(srt.map((f) => [f.label, f.value]));
    assert.equal(fields['Input type'], 'SRT caller');
    assert.equal(fields['Latency'], '250 ms');
    assert.equal(fields['Encryption'], 'AES-256');
    assert.equal(fields['Stream ID'], 'set');
    assert.equal(fields['Source IP (SSM)'], undefined, 'multicast settings belong to RTP/UDP');
    assert.ok(!srt.some((f) => f.value.includes('****')));
    const file = Object.fromEntries(channelFields({ ...channel, input_type: 'file', input: { type: 'file', media_id: 'm1', loop: false } }).map((f) => [f.label, f.value]));
    assert.deepEqual([file['Input type'], file['Media file'], file['Loop']], ['File', 'm1', 'no']);
  });

  it('sorts outputs by name without mutating the input', () => {
    assert.deepEqual(sortOutputs(channel.outputs).map((o) => o.id), ['o1', 'o2']);
    assert.equal(channel.outputs[0]!.id, 'o2');
  });
});
