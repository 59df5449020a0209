import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type Descriptor, type PmtStream, registrationDescriptor } from '@mld/mpegts';
import { describeStream, summarizeDescriptors } from './stream-types.js';
import { TsAnalyzer } from './ts-analyzer.js';
import { drive, healthyStep, StreamBuilder, T0 } from './testing/ts-builder.js';

const d = (tag: number, ...bytes: (number | string)[]): Descriptor => ({
  tag,
  data: Buffer.concat(bytes.map((b) => (typeof b === 'string' ? Buffer.from(b, 'latin1') : Buffer.from([b])))),
});

// stream_type, descriptors, expected codec, expected kind
const CASES: [number, Descriptor[], string, string][] = [
  [0x02, [], 'MPEG-2 video', 'video'],
  [0x1b, [], 'H.264/AVC', 'video'],
  [0x24, [], 'HEVC/H.265', 'video'],
  [0x0f, [d(0x0a, 'eng', 0)], 'AAC (ADTS)', 'audio'],
  [0x11, [], 'AAC (LATM)', 'audio'],
  [0x03, [], 'MPEG-1 audio', 'audio'],
  [0x04, [], 'MPEG-2 audio', 'audio'],
  [0x81, [], 'AC-3', 'audio'],
  [0x87, [], 'E-AC-3', 'audio'],
  [0x06, [d(0x6a, 0)], 'AC-3', 'audio'],
  [0x06, [d(0x7a, 0)], 'E-AC-3', 'audio'],
  [0x06, [d(0x59, 'fra', 0x10, 0, 1, 0, 1)], 'DVB subtitles', 'subtitles'],
  [0x06, [d(0x56, 'deu', 0x09, 0x00)], 'DVB teletext', 'teletext'],
  [0x06, [registrationDescriptor('Opus')], 'Opus', 'audio'],
  [0x06, [d(0x7f, 0x15)], 'AC-4', 'audio'],
  [0x06, [], 'private data', 'data'],
  [0x15, [], 'ID3 metadata', 'metadata'],
  [0x86, [], 'SCTE-35', 'scte35'],
  [0x05, [registrationDescriptor('CUEI')], 'SCTE-35', 'scte35'],
  [0x05, [], 'private sections', 'data'],
  [0xc0, [], 'user private (0xc0)', 'unknown'],
  [0x7e, [], 'stream_type 0x7e', 'unknown'],
];

describe('describeStream', () => {
  for (const [type, descriptors, codec, kind] of CASES) {
    it(`0x${type.toString(16)} ${descriptors.map((x) => `+0x${x.tag.toString(16)}`).join('')} -> ${codec}`, () => {
      const r = describeStream(type, descriptors);
      assert.equal(r.codec, codec);
      assert.equal(r.kind, kind);
    });
  }

  it('takes the language from the language, subtitling or teletext descriptor', () => {
    assert.equal(describeStream(0x0f, [d(0x0a, 'ENG', 0)]).language, 'eng');
    assert.equal(describeStream(0x06, [d(0x59, 'fra', 0x10, 0, 1, 0, 1)]).language, 'fra');
    assert.equal(describeStream(0x1b, []).language, undefined);
  });

  it('uses a program-level registration only for user-private stream types', () => {
    assert.equal(describeStream(0x83, [], [registrationDescriptor('EAC3')]).codec, 'E-AC-3');
    assert.equal(describeStream(0x06, [], [registrationDescriptor('Opus')]).codec, 'private data');
  });
});

describe('summarizeDescriptors', () => {
  it('writes one short line per descriptor', () => {
    assert.deepEqual(
      summarizeDescriptors([registrationDescriptor('CUEI'), d(0x0a, 'eng', 0), d(0x52, 3), d(0x09, 0x0b, 0x00, 0xe1, 0x23), d(0x8a, 1), d(0xee, 0)]),
      ['registration CUEI', 'language eng', 'stream identifier 3', 'CA system 0x0b00 PID 0x0123', 'cue identifier (cue_stream_type 0x01)', 'descriptor 0xee'],
    );
  });
});

describe('programs and PIDs in the snapshot', () => {
  it('lists the PMT streams with codec names, the PCR PID and per-PID names', () => {
    const streams: PmtStream[] = [
      { streamType: 0x24, pid: 0x100, descriptors: [] },
      { streamType: 0x06, pid: 0x101, descriptors: [d(0x0a, 'eng', 0), d(0x7a, 0)] },
      { streamType: 0x06, pid: 0x102, descriptors: [d(0x59, 'eng', 0x10, 0, 1, 0, 1)] },
      { streamType: 0x86, pid: 0x1f6, descriptors: [d(0x8a, 1)] },
    ];
    const an = new TsAnalyzer();
    const b = new StreamBuilder({ streams, pcrPid: 0x1ff });
    drive(an, T0, T0 + 400, (t) => [...healthyStep(b, t, { video: false, audio: false }), b.es(0x100), b.es(0x101), b.es(0x1ff, { pcr: (t - T0) * 27_000 }), b.es(0x555)]);
    const s = an.snapshot();
    assert.equal(s.transportStreamId, 7);
    assert.deepEqual(s.programs, [
      {
        number: 1,
        pmtPid: 0x1000,
        pcrPid: 0x1ff,
        pmtVersion: 0,
        descriptorsSummary: ['registration CUEI'],
        streams: [
          { pid: 0x100, streamType: 0x24, codec: 'HEVC/H.265', kind: 'video', descriptorsSummary: [] },
          { pid: 0x101, streamType: 0x06, codec: 'E-AC-3', kind: 'audio', language: 'eng', descriptorsSummary: ['language eng', 'E-AC-3'] },
          { pid: 0x102, streamType: 0x06, codec: 'DVB subtitles', kind: 'subtitles', language: 'eng', descriptorsSummary: ['DVB subtitling eng'] },
          { pid: 0x1f6, streamType: 0x86, codec: 'SCTE-35', kind: 'scte35', descriptorsSummary: ['cue identifier (cue_stream_type 0x01)'] },
        ],
      },
    ]);
    const byPid = new Map(s.pids.map((p) => [p.pid, p]));
    assert.deepEqual(
      [0x0, 0x100, 0x101, 0x1ff, 0x555, 0x1000, 0x1fff].map((pid) => [byPid.get(pid)!.type, byPid.get(pid)!.name, byPid.get(pid)!.codec]),
      [
        ['pat', 'PAT', null],
        ['video', 'HEVC/H.265', 'HEVC/H.265'],
        ['audio', 'E-AC-3', 'E-AC-3'],
        ['pcr', 'PCR', null],
        ['unknown', 'unreferenced', null],
        ['pmt', 'PMT (program 1)', null],
        ['null', 'null packets', null],
      ],
    );
    assert.equal(byPid.get(0x100)!.streamType, 0x24);
    assert.equal(byPid.get(0x100)!.lastSeenAt, T0 + 380);
    assert.deepEqual(s.scte35.pids, [0x1f6]);
    assert.equal(s.tr101290.pcrRepetitionError.count, 0);
  });
});
