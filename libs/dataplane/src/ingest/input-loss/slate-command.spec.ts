import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildSlateArgs, x264LevelFor, x264ProfileFor } from './slate-command.js';
import { frameRateOf } from './programme-profile.js';

const VIDEO = { width: 1280, height: 720, fpsNum: 30000, fpsDen: 1001, profile: 'main' as const, level: '3.1' };
const after = (args: string[], flag: string): string | undefined => args[args.indexOf(flag) + 1];

describe('slate command', () => {
  it('encodes to the programme\'s size, rate, profile, level and audio', () => {
    const args = buildSlateArgs({ video: VIDEO, audio: { codec: 'aac', sampleRate: 44100, channels: 1 }, picture: { kind: 'black' } });
    assert.equal(after(args, '-profile:v'), 'main');
    assert.equal(after(args, '-level:v'), '3.1');
    assert.equal(after(args, '-r'), '30000/1001');
    assert.ok(args.includes('color=c=black:s=1280x720:r=30000/1001'));
    assert.ok(args.includes('anullsrc=r=44100:cl=mono'));
    assert.equal(after(args, '-c:a'), 'aac');
    assert.equal(after(args, '-g'), '30', 'a key frame every second');
    assert.equal(args[args.length - 1], 'pipe:1');
  });

  it('an image is letterboxed; a card reads its text from a file and never puts it in the filter', () => {
    const image = buildSlateArgs({ video: VIDEO, audio: null, picture: { kind: 'image', path: '/data/media/slate.ts', codec: 'png' } });
    assert.equal(after(image, '-i'), 'file:/data/media/slate.ts');
    assert.equal(after(image, '-c:v'), 'png');
    assert.match(after(image, '-vf')!, /force_original_aspect_ratio=decrease,pad=1280:720/);
    assert.ok(!image.includes('-c:a'), 'no audio when the programme had none');
    const card = buildSlateArgs({ video: VIDEO, audio: null, picture: { kind: 'card', textFile: "/tmp/it's:here/card.txt", fontFile: '/fonts/a.ttf' } });
    const vf = after(card, '-vf')!;
    assert.match(vf, /textfile='\/tmp\/it'\\''s\\:here\/card.txt'/);
    assert.match(vf, /expansion=none/);
    const plain = buildSlateArgs({ video: VIDEO, audio: null, picture: { kind: 'card', textFile: '/tmp/c.txt', fontFile: null } });
    assert.equal(after(plain, '-vf'), 'format=yuv420p', 'no font: a plain card');
  });

  it('maps H.264 profile and level ids to what libx264 takes', () => {
    assert.deepEqual([66, 77, 100, 110].map(x264ProfileFor), ['baseline', 'main', 'high', 'high']);
    assert.deepEqual([30, 31, 40, 9, 52].map(x264LevelFor), ['3', '3.1', '4', '1b', '5.2']);
  });

  it('frame rates from decode steps, exact for the NTSC ones', () => {
    assert.deepEqual(frameRateOf(3003), { num: 30000, den: 1001 });
    assert.deepEqual(frameRateOf(3600), { num: 25, den: 1 });
    assert.deepEqual(frameRateOf(1501), { num: 60000, den: 1001 });
    assert.deepEqual(frameRateOf(6000), { num: 15, den: 1 });
    assert.equal(frameRateOf(0), null);
  });
});
