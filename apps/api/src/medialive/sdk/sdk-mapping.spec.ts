import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DescribeChannelResponse } from '@aws-sdk/client-medialive';
import { toSdkShape, wireChannel } from '../testing/wire-fixtures.js';
import { applyEdit, parsePid, toMlChannel } from './sdk-mapping.js';

const described = () => toSdkShape(wireChannel({ id: '42', name: 'news', urls: ['rtp://10.0.0.5:5000', 'rtp://10.0.0.5:5002'], scte35Control: 'NONE', fec: 'COLUMN' })) as DescribeChannelResponse;

describe('SDK → model mapping', () => {
  it('finds the UDP output group, its destination per pipeline and its TS settings; other groups are ignored', () => {
    const channel = toMlChannel(described());
    assert.equal(channel.detailed, true);
    assert.deepEqual(channel.udpOutputs, [
      { outputGroup: 'to-distributor', output: 'mpegts', destinationId: 'udp-dest', urls: ['rtp://10.0.0.5:5000', 'rtp://10.0.0.5:5002'], scte35Control: 'NONE', scte35Pid: 500, fec: 'COLUMN', bufferMsec: 1000, bufferModel: 'MULTIPLEX', rateMode: 'CBR' },
    ]);
    assert.deepEqual(channel.inputAttachments, [{ name: 'news-input', inputId: '420' }]);
  });

  it('from a summary (no encoder settings) keeps only rtp/udp destinations', () => {
    const { EncoderSettings: _e, ...summary } = described();
    const channel = toMlChannel(summary);
    assert.equal(channel.detailed, false);
    assert.deepEqual(channel.udpOutputs.map((o) => o.destinationId), ['udp-dest']);
  });

  it('applyEdit changes only the URL asked and sends encoder settings only for SCTE-35', () => {
    const channel = described();
    const onlyUrl = applyEdit(channel, { urls: [{ destinationId: 'udp-dest', pipeline: 0, url: 'rtp://10.0.0.5:6000' }], scte35Passthrough: [] });
    assert.equal(onlyUrl.EncoderSettings, undefined);
    assert.deepEqual(onlyUrl.Destinations.find((d) => d.Id === 'udp-dest')?.Settings?.map((s) => s.Url), ['rtp://10.0.0.5:6000', 'rtp://10.0.0.5:5002']);
    assert.equal(channel.Destinations?.[0]?.Settings?.[0]?.Url, 'rtp://10.0.0.5:5000', 'the described channel is not mutated');
    const withScte = applyEdit(channel, { urls: [], scte35Passthrough: [{ outputGroup: 'to-distributor', output: 'mpegts' }] });
    const m2ts = withScte.EncoderSettings?.OutputGroups?.[0]?.Outputs?.[0]?.OutputSettings?.UdpOutputSettings?.ContainerSettings?.M2tsSettings;
    assert.equal(m2ts?.Scte35Control, 'PASSTHROUGH');
    assert.equal(m2ts?.RateMode, 'CBR', 'other TS settings are kept');
  });

  it('reads SCTE-35 PIDs in decimal and hex', () => {
    assert.equal(parsePid('500'), 500);
    assert.equal(parsePid('0x1F6'), 502);
    assert.equal(parsePid(''), null);
  });
});
