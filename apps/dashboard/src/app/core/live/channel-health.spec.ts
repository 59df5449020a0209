import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelRuntime, ChannelStatus, OutputRuntime, OutputStatus, RedundancyHealth } from '@mld/contracts';
import { channelHealth, describeOutputs, describePicture, summarizeOutputs } from './channel-health.js';

const T = '2026-11-25T12:00:00.000Z';

function input(state: ChannelRuntime['state'], extra: Partial<ChannelRuntime> = {}): ChannelRuntime {
  return ({
    state,
    since: T,
    error: null,
    datagrams_in: 0,
    bytes_in: 0,
    ts_bytes: 0,
    malformed: 0,
    malformed_reasons: {},
    rtp: { lost: 0, duplicates: 0, reordered: 0, late: 0, resyncs: 0, ssrc_changes: 0, ssrc: null },
    last_packet_at: null,
    bitrate_bps: state === 'receiving' || state === 'degraded' ? 8_000_000 : 0,
    analysis: null,
    ...extra,
  }) as ChannelRuntime;
}

function runtime(state: OutputRuntime['state'], extra: Partial<OutputRuntime> = {}): OutputRuntime {
  return ({
    state,
    since: T,
    pid: 1,
    restarts: 0,
    last_error: null,
    next_retry_at: null,
    started_at: T,
    uptime_seconds: 1,
    connected: null,
    bytes_out: 0,
    bitrate_bps: 0,
    queue_bytes: 0,
    dropped_bytes: 0,
    srt: null,
    ffmpeg: null,
    ...extra,
  }) as OutputRuntime;
}

function out(name: string, state: OutputRuntime['state'] | null, extra: Partial<OutputStatus> = {}): OutputStatus {
  return { id: name, name, protocol: 'srt', enabled: true, desired_state: 'running', runtime: state ? runtime(state) : null, ...extra };
}

function channel(inputRuntime: ChannelRuntime | null, outputs: OutputStatus[], desired: 'running' | 'stopped' = 'running'): ChannelStatus {
  return { channel_id: 'c1', name: 'News', input_type: 'rtp', desired_state: desired, runtime: inputRuntime, outputs };
}

describe('summarizeOutputs', () => {
  it('counts only enabled outputs wanted running as active', () => {
    const s = summarizeOutputs([
      out('a', 'running'),
      out('b', 'backoff'),
      out('c', 'failed'),
      out('d', null),
      out('e', null, { enabled: false }),
      out('f', null, { desired_state: 'stopped' }),
    ]);
    assert.deepEqual(s, { total: 6, active: 4, running: 1, starting: 1, retrying: 1, failed: 1, off: 2 });
    assert.equal(describeOutputs(s), '1/4 outputs running');
    assert.equal(describeOutputs(summarizeOutputs([])), 'no outputs');
    assert.equal(describeOutputs(summarizeOutputs([out('x', null, { enabled: false })])), 'no outputs enabled');
  });
});

describe('channelHealth', () => {
  it('is green with bitrate and output count when everything runs', () => {
    assert.deepEqual(channelHealth(channel(input('receiving'), [out('a', 'running'), out('b', 'running'), out('c', 'running')])), {
      level: 'green',
      reason: 'receiving 8.0 Mbit/s, 3/3 outputs running',
    });
  });

  it('is red with the input error in words', () => {
    const h = channelHealth(channel(input('error', { error: 'port in use' }), [out('a', null)]));
    assert.deepEqual(h, { level: 'red', reason: 'input error: port in use' });
    assert.equal(channelHealth(channel(input('error'), [])).reason, 'input error: cannot receive');
  });

  it('is amber while outputs retry', () => {
    const h = channelHealth(channel(input('receiving'), [out('a', 'running'), out('b', 'backoff'), out('c', 'backoff')]));
    assert.deepEqual(h, { level: 'amber', reason: '2 outputs retrying, 1/3 outputs running' });
  });

  it('is red when an output has given up, naming it', () => {
    const h = channelHealth(channel(input('receiving'), [out('a', 'running'), out('YouTube', 'failed')]));
    assert.deepEqual(h, { level: 'red', reason: 'output "YouTube" failed, 1/2 outputs running' });
  });

  it('is red when every active output is down', () => {
    const h = channelHealth(channel(input('receiving'), [out('a', 'backoff'), out('b', 'failed')]));
    assert.deepEqual(h, { level: 'red', reason: 'receiving 8.0 Mbit/s, all 2 outputs down' });
  });

  it('main/backup: amber on the backup (saying why) or without a healthy standby; green on the main with both healthy', () => {
    const side = (healthy: boolean, fault: string | null = null) => ({ state: 'receiving', healthy, fault }) as unknown as RedundancyHealth['main'];
    const pair = (active: 'main' | 'backup', main: RedundancyHealth['main'], backup: RedundancyHealth['backup'], forced: 'main' | 'backup' | null = null) =>
      input('degraded', { redundancy: { active, forced, main, backup } as unknown as RedundancyHealth });
    const outputs = [out('a', 'running')];
    assert.deepEqual(channelHealth(channel(pair('backup', side(false, 'no_data'), side(true)), outputs)), {
      level: 'amber',
      reason: 'on backup input (main: no data), receiving 8.0 Mbit/s, 1/1 output running',
    });
    assert.match(channelHealth(channel(pair('backup', side(true), side(true), 'backup'), outputs)).reason, /^on backup input \(forced by an operator\)/);
    assert.match(channelHealth(channel(pair('main', side(true), side(false, 'sync_loss')), outputs)).reason, /^backup input down \(sync loss\)/);
    const fine = input('receiving', { redundancy: { active: 'main', forced: null, main: side(true), backup: side(true) } as unknown as RedundancyHealth });
    assert.equal(channelHealth(channel(fine, outputs)).level, 'green');
  });

  it('is amber when the input is degraded, naming the latest stream errors', () => {
    const counter = (count: number, last_at: string | null) => ({ count, last_at });
    const analysis = {
      tr101290: {
        cc_error: counter(4, '2026-11-25T12:00:09.000Z'),
        pcr_repetition_error: counter(1, '2026-11-25T12:00:05.000Z'),
        pat_error: counter(0, null),
        sync_loss: counter(2, '2026-11-25T11:00:00.000Z'),
      },
    } as unknown as ChannelRuntime['analysis'];
    assert.deepEqual(channelHealth(channel(input('degraded', { analysis }), [out('a', 'running')])), {
      level: 'amber',
      reason: 'input degraded (cc error, pcr repetition error), receiving 8.0 Mbit/s, 1/1 output running',
    });
    const lossy = input('degraded', { rtp: { lost: 3, duplicates: 0, reordered: 0, late: 0, resyncs: 0, ssrc_changes: 0, ssrc: 1 } });
    assert.equal(channelHealth(channel(lossy, [out('a', 'running')])).reason, 'input degraded (RTP loss), receiving 8.0 Mbit/s, 1/1 output running');
    assert.equal(channelHealth(channel(input('degraded'), [out('a', 'failed')])).level, 'red', 'failing outputs outrank a degraded input');
  });

  it('is amber on a black or frozen picture, saying for how long; an unchecked or good picture changes nothing', () => {
    const picture = (state: 'ok' | 'black' | 'frozen' | 'unknown', since: string | null) => ({ state, since, checked_at: since, samples: 3, mean_luma: 16, luma_std_dev: 0, change: 0 });
    const now = Date.parse(T) + 12_000;
    const black = input('degraded', { picture: picture('black', T) });
    assert.equal(describePicture(black, now), 'black picture for 12 s');
    assert.equal(channelHealth(channel(black, [out('a', 'running')])).level, 'amber');
    assert.match(channelHealth(channel(black, [out('a', 'running')])).reason, /^black picture for \d+ s, receiving 8\.0 Mbit\/s, 1\/1 output running$/);
    assert.match(channelHealth(channel(input('degraded', { picture: picture('frozen', T) }), [out('a', 'running')])).reason, /^frozen picture for/);
    assert.equal(describePicture(input('receiving', { picture: picture('ok', T) })), '');
    assert.equal(describePicture(input('receiving', { picture: null })), '');
    assert.equal(channelHealth(channel(input('receiving', { picture: picture('unknown', null) }), [out('a', 'running')])).level, 'green');
    assert.equal(channelHealth(channel(black, [out('a', 'failed')])).level, 'red', 'failing outputs outrank the picture');
  });

  it('is red without input signal', () => {
    assert.deepEqual(channelHealth(channel(input('no_signal'), [out('a', 'running')])), { level: 'red', reason: 'no input signal, 1/1 output running' });
  });

  it('is amber while starting, or receiving with nothing to feed', () => {
    assert.deepEqual(channelHealth(channel(null, [out('a', null)])), { level: 'amber', reason: 'input starting' });
    assert.deepEqual(channelHealth(channel(input('starting'), [])), { level: 'amber', reason: 'input starting' });
    assert.deepEqual(channelHealth(channel(input('receiving'), [out('a', 'starting')])), { level: 'amber', reason: '1 output starting, 0/1 output running' });
    assert.deepEqual(channelHealth(channel(input('receiving'), [])), { level: 'amber', reason: 'receiving 8.0 Mbit/s, no outputs' });
  });

  it('is idle when the channel is stopped, and says stopping while the input winds down', () => {
    assert.deepEqual(channelHealth(channel(null, [out('a', null)], 'stopped')), { level: 'idle', reason: 'stopped' });
    assert.deepEqual(channelHealth(channel(input('receiving'), [], 'stopped')), { level: 'idle', reason: 'stopping' });
  });
});
