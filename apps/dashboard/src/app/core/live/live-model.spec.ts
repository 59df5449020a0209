import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelRuntime, ChannelStatus, ChannelWithOutputsResponse, EventRecord, OutputResponse, OutputRuntime } from '@mld/contracts';
import { appendSample, compareIds, unknownOutputIds, isAuthFailure, mergeChannelStatus, mergeEvents, outputDisplayState, recentSamples } from './live-model.js';

function output(id: string, extra: Partial<OutputResponse> = {}): OutputResponse {
  return {
    id,
    channel_id: 'c1',
    name: id,
    protocol: 'srt',
    url: 'srt://127.0.0.1:9000',
    options: {},
    enabled: true,
    desired_state: 'running',
    runtime: null,
    secrets_masked: false,
    created_at: '',
    updated_at: '',
    ...extra,
  };
}

const channel: ChannelWithOutputsResponse = {
  id: 'c1',
  name: 'News',
  description: '',
  input: { type: 'rtp', bind_ip: '0.0.0.0', port: 5000, source_ip: null, interface_ip: null },
  backup_input: null,
  failover: null,
  input_selection: 'auto',
  input_loss: { action: 'none', after_ms: 1000, slate_media_id: null, ts_outputs: false },
  input_type: 'rtp',
  bind_ip: '0.0.0.0',
  port: 5000,
  source_ip: null,
  interface_ip: null,
  rtp_ip: '0.0.0.0',
  rtp_port: 5000,
  desired_state: 'stopped',
  runtime: null,
  output_count: 2,
  created_at: '',
  updated_at: '',
  outputs: [output('o1'), output('o2')],
};

function event(id: string): EventRecord {
  return { id, at: '', type: 'output.running', severity: 'info', channel_id: 'c1', channel_name: null, output_id: null, output_name: null, actor: null, message: id, details: null };
}

describe('bitrate history', () => {
  it('appends in time order and forgets what left the window', () => {
    let s = appendSample([], { t: 1000, bps: 1 }, 5000);
    s = appendSample(s, { t: 3000, bps: 2 }, 5000);
    s = appendSample(s, { t: 7000, bps: 3 }, 5000);
    assert.deepEqual(s.map((x) => x.bps), [2, 3]);
    assert.equal(appendSample(s, { t: 7000, bps: 9 }, 5000), s, 'a sample that is not newer changes nothing');
    assert.deepEqual(recentSamples(s, 7000, 1000).map((x) => x.bps), [3]);
  });
});

describe('mergeChannelStatus', () => {
  it('takes runtime and states from the live status, configuration from REST', () => {
    const status: ChannelStatus = {
      channel_id: 'c1',
      name: 'News',
      input_type: 'rtp',
      desired_state: 'running',
      runtime: null,
      outputs: [{ id: 'o2', name: 'o2', protocol: 'srt', enabled: false, desired_state: 'stopped', runtime: null }],
    };
    const merged = mergeChannelStatus(channel, status);
    assert.equal(merged.desired_state, 'running');
    assert.equal(merged.outputs[0], channel.outputs[0], 'an output absent from the status is kept as is');
    assert.equal(merged.outputs[1]!.enabled, false);
    assert.equal(merged.outputs[1]!.url, 'srt://127.0.0.1:9000');
    assert.equal(mergeChannelStatus(channel, undefined), channel);
    assert.equal(mergeChannelStatus(channel, { ...status, channel_id: 'other' }), channel);
    assert.deepEqual(unknownOutputIds(channel, { ...status, outputs: [...status.outputs, { ...status.outputs[0]!, id: 'o9' }] }), ['o9']);
    assert.deepEqual(unknownOutputIds(channel, status), []);
    assert.deepEqual(unknownOutputIds(channel, undefined), []);
  });

  it('keeps the live main/backup state (runtime.redundancy, runtime.merge) and the stored backup configuration', () => {
    const withBackup: ChannelWithOutputsResponse = {
      ...channel,
      backup_input: { type: 'rtp', bind_ip: '0.0.0.0', port: 5002, source_ip: null, interface_ip: null },
      failover: { mode: 'failover', prefer: 'main', loss_ms: 500, restore_ms: 10_000, merge_window_ms: 200 },
      input_selection: 'main',
    };
    const health = { state: 'receiving', error: null, healthy: true, fault: null, fault_since: null, healthy_since: null, last_packet_at: null, last_random_access_at: null, bitrate_bps: 1, bytes_in: 1, peer: null, lost: 0, pid_map: [] } as const;
    const redundancy = { prefer: 'main', active: 'backup', forced: null, pending: null, main: health, backup: health, switches: 1, recent_switches: [], cues: { forwarded: 0, duplicates_dropped: 0, replayed: 0 } } as const;
    const merge = { window_ms: 200, merged_lost: 2, paths: [] };
    const runtime = { state: 'receiving', redundancy, merge } as unknown as ChannelRuntime;
    const merged = mergeChannelStatus(withBackup, { channel_id: 'c1', name: 'News', input_type: 'rtp', desired_state: 'running', runtime, outputs: [] });
    assert.equal(merged.runtime?.redundancy?.active, 'backup');
    assert.equal(merged.runtime?.merge?.merged_lost, 2);
    assert.deepEqual([merged.backup_input, merged.failover, merged.input_selection], [withBackup.backup_input, withBackup.failover, 'main']);
  });
});

describe('mergeEvents', () => {
  it('keeps newest first by numeric id without duplicates, bounded', () => {
    const merged = mergeEvents([event('9'), event('10')], [event('11'), event('9')], 3);
    assert.deepEqual(merged.map((e) => e.id), ['11', '10', '9']);
    assert.deepEqual(mergeEvents(merged, [event('1')], 3).map((e) => e.id), ['11', '10', '9']);
    assert.ok(compareIds('100', '99') > 0);
  });
});

describe('isAuthFailure', () => {
  it('recognises the server’s credential refusals', () => {
    for (const m of ['access token expired; log in again', 'access token is invalid', 'API token is unknown, revoked or expired', 'missing "Authorization: Bearer <token>" header', 'the user of this access token no longer exists', 'password changed since this login; log in again']) {
      assert.equal(isAuthFailure(m), true, m);
    }
  });

  it('treats network trouble as retryable', () => {
    for (const m of ['xhr poll error', 'websocket error', 'timeout', '', null]) assert.equal(isAuthFailure(m), false, String(m));
  });
});

describe('outputDisplayState', () => {
  it('says why an output is not streaming', () => {
    assert.equal(outputDisplayState(output('a', { enabled: false }), 'running'), 'disabled');
    assert.equal(outputDisplayState(output('a'), 'stopped'), 'waiting');
    assert.equal(outputDisplayState(output('a', { desired_state: 'stopped' }), 'running'), 'stopped');
    const rt = { state: 'backoff' as const, since: '', pid: null, restarts: 1, last_error: 'x', next_retry_at: null, started_at: null, uptime_seconds: null, connected: null, bytes_out: 0, bitrate_bps: 0, queue_bytes: 0, dropped_bytes: 0, srt: null, ffmpeg: null } as OutputRuntime;
    assert.equal(outputDisplayState(output('a', { runtime: rt }), 'running'), 'backoff');
  });
});
