import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DescribeChannelResponse } from '@aws-sdk/client-medialive';
import { planFix } from './fix-plan.js';
import { parseDestination, preflight, type PreflightContext } from './preflight.js';
import { toMlChannel } from './sdk/sdk-mapping.js';
import { toSdkShape, wireChannel, type WireChannelOptions } from './testing/wire-fixtures.js';

// Channel descriptions built as the API model has them (wire JSON → SDK shape → our model).
const channel = (o: Partial<WireChannelOptions> = {}) =>
  toMlChannel(toSdkShape(wireChannel({ id: '1234567', name: 'news', urls: ['rtp://10.0.0.5:5000', 'rtp://10.0.0.5:5002'], scte35Control: 'PASSTHROUGH', ...o })) as DescribeChannelResponse);

const linked = { id: 'c1', name: 'news-in', inputType: 'rtp', bindIp: '0.0.0.0', port: 5000 };
const context = (over: Partial<PreflightContext> = {}): PreflightContext => ({
  channel: channel(),
  linked,
  ourChannels: [linked],
  otherMediaLive: [],
  localAddresses: ['127.0.0.1', '10.0.0.5'],
  ...over,
});
const find = (ctx: PreflightContext, check: string) => preflight(ctx).results.filter((r) => r.check === check);

describe('preflight', () => {
  it('passes SCTE-35 passthrough and reads the PID', () => {
    const [scte] = find(context({ channel: channel({ scte35Pid: '0x1F6' }) }), 'scte35');
    assert.equal(scte?.status, 'pass');
    assert.match(scte!.message, /PID 502/);
  });

  it('fails when SCTE-35 is removed (Scte35Control unset = NONE), naming the exact setting and value', () => {
    for (const control of [undefined, 'NONE'] as const) {
      const [scte] = find(context({ channel: channel({ scte35Control: control }) }), 'scte35');
      assert.equal(scte?.status, 'fail');
      assert.equal(scte?.expected, 'PASSTHROUGH');
      assert.match(scte!.setting!, /^EncoderSettings\.OutputGroups\["to-distributor"\]\.Outputs\["mpegts"\]\.OutputSettings\.UdpOutputSettings\.ContainerSettings\.M2tsSettings\.Scte35Control/);
    }
  });

  it('fails a pipeline 0 port that is not the linked channel\'s, with the URL to set', () => {
    const [port] = find(context({ channel: channel({ urls: ['rtp://10.0.0.5:5010', 'rtp://10.0.0.5:5012'] }) }), 'pipeline0.destination.port');
    assert.equal(port?.status, 'fail');
    assert.equal(port?.setting?.startsWith('Destinations["udp-dest"].Settings[0].Url'), true);
    assert.equal(port?.expected, 'rtp://10.0.0.5:5000');
  });

  it('fails a scheme that does not match our input type', () => {
    const [port] = find(context({ channel: channel({ urls: ['udp://10.0.0.5:5000', 'udp://10.0.0.5:5002'] }) }), 'pipeline0.destination.port');
    assert.equal(port?.status, 'fail');
    assert.match(port!.message, /UDP but channel "news-in" expects RTP/);
  });

  it('warns when the destination is not an address of this node', () => {
    const [address] = find(context({ channel: channel({ urls: ['rtp://192.0.2.9:5000', 'rtp://10.0.0.5:5002'] }) }), 'pipeline0.destination.address');
    assert.equal(address?.status, 'warn');
    assert.match(address!.message, /192\.0\.2\.9 is not an address of this node/);
  });

  it('fails a STANDARD channel with one pipeline unwired', () => {
    const results = find(context({ channel: channel({ urls: ['rtp://10.0.0.5:5000', ''] }) }), 'pipelines');
    assert.equal(results.length, 1);
    assert.equal(results[0]?.status, 'fail');
    assert.match(results[0]!.message, /pipeline 1 .* not wired/);
    assert.match(results[0]!.setting!, /Settings\[1\]\.Url/);
  });

  it('warns that a SINGLE_PIPELINE channel has no backup', () => {
    const [pipelines] = find(context({ channel: channel({ channelClass: 'SINGLE_PIPELINE', urls: ['rtp://10.0.0.5:5000'] }) }), 'pipelines');
    assert.equal(pipelines?.status, 'warn');
    assert.match(pipelines!.message, /no backup/);
  });

  it('fails FEC whose +2/+4 ports overlap another channel of ours or another MediaLive channel', () => {
    const other = { id: 'c2', name: 'sports-in', inputType: 'rtp', bindIp: '0.0.0.0', port: 5004 };
    const fec = channel({ fec: 'COLUMN_AND_ROW' });
    const ours = find(context({ channel: fec, ourChannels: [linked, other] }), 'fec.ports');
    assert.equal(ours[0]?.status, 'fail');
    assert.match(ours[0]!.message, /FEC uses ports 5002 and 5004, and our channel "sports-in" receives on 5004/);
    const theirs = find(context({ channel: fec, otherMediaLive: [{ id: '99', name: 'sports', ports: [5002], fec: false }] }), 'fec.ports');
    assert.equal(theirs[0]?.status, 'fail');
    // And the other way round: their FEC lands on our port.
    const reverse = find(context({ otherMediaLive: [{ id: '99', name: 'sports', ports: [4996], fec: true }] }), 'fec.ports');
    assert.equal(reverse[0]?.status, 'fail');
  });

  it('says FEC is ignored by our ingest when its ports are free', () => {
    const [fec] = find(context({ channel: channel({ fec: 'COLUMN' }) }), 'fec');
    assert.equal(fec?.status, 'warn');
    assert.match(fec!.message, /ignores the FEC streams/);
  });

  it('warns on settings that make MediaLive send bursts', () => {
    const checks = preflight(context({ channel: channel({ bufferModel: 'NONE', rateMode: 'VBR', bufferMsec: 100 }) })).results.filter((r) => r.check.startsWith('burst.'));
    assert.deepEqual(checks.map((c) => [c.check, c.expected]), [
      ['burst.buffer_model', 'MULTIPLEX'],
      ['burst.rate_mode', 'CBR'],
      ['burst.buffer_msec', '1000 or more'],
    ]);
  });

  it('a correct STANDARD channel linked to a channel with a backup input passes; pipeline 1 is checked against the backup', () => {
    const paired = { ...linked, backup: { inputType: 'rtp', bindIp: '0.0.0.0', port: 5002 } };
    const result = preflight(context({ linked: paired, ourChannels: [paired] }));
    assert.deepEqual(result.results.filter((r) => r.status !== 'pass').map((r) => r.check), []);
    assert.match(result.results.find((r) => r.check === 'pipeline1.destination.port')!.message, /matches the backup input of channel "news-in"/);
    const [wrong] = find(context({ linked: { ...paired, backup: { ...paired.backup, port: 5004 } } }), 'pipeline1.destination.port');
    assert.equal(wrong?.status, 'fail');
    assert.equal(wrong?.expected, 'rtp://10.0.0.5:5004');
    assert.match(wrong!.setting!, /Settings\[1\]/);
  });

  it('a linked channel without a backup input: pipeline 1 is a warning saying how to receive it', () => {
    const result = preflight(context());
    assert.deepEqual(result.results.filter((r) => r.status !== 'pass').map((r) => r.check), ['pipeline1.destination.backup']);
    assert.match(result.results.find((r) => r.check === 'pipeline1.destination.backup')!.message, /has no backup input: link again/);
    assert.equal(result.status, 'warn');
  });

  it('fails a channel without a UDP output group', () => {
    const empty = { ...channel(), udpOutputs: [] };
    assert.equal(preflight(context({ channel: empty })).status, 'fail');
  });
});

describe('parseDestination', () => {
  it('reads rtp:// and udp:// URLs and refuses anything else', () => {
    assert.deepEqual(parseDestination('rtp://10.0.0.5:5000'), { scheme: 'rtp', host: '10.0.0.5', port: 5000 });
    assert.deepEqual(parseDestination('UDP://239.1.1.1:6000/'), { scheme: 'udp', host: '239.1.1.1', port: 6000 });
    for (const bad of ['srt://10.0.0.5:5000', 'rtp://host:5000', 'rtp://10.0.0.5', 'rtp://10.0.0.5:70000', 'rtp://300.0.0.1:5000']) assert.equal(parseDestination(bad), null, bad);
  });
});

describe('planFix', () => {
  it('rewrites pipeline 0 to the linked channel and turns SCTE-35 passthrough on, leaving pipeline 1', () => {
    const plan = planFix(channel({ urls: ['rtp://10.0.0.5:5010', 'rtp://10.0.0.6:5010'], scte35Control: 'NONE' }), linked, ['10.0.0.5']);
    assert.deepEqual(plan.changes.map((c) => [c.from, c.to]), [
      ['rtp://10.0.0.5:5010', 'rtp://10.0.0.5:5000'],
      ['NONE', 'PASSTHROUGH'],
    ]);
    assert.deepEqual(plan.edit.urls, [{ destinationId: 'udp-dest', pipeline: 0, url: 'rtp://10.0.0.5:5000' }]);
    assert.deepEqual(plan.edit.scte35Passthrough, [{ outputGroup: 'to-distributor', output: 'mpegts' }]);
  });

  it('changes nothing on a correct channel', () => {
    assert.deepEqual(planFix(channel(), linked, ['10.0.0.5']).changes, []);
  });
});
