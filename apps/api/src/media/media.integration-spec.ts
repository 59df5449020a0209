// The media library against the real app on real PostgreSQL, with files FFmpeg makes in the test:
// MPEG-TS is stored bit-exact, MP4 H.264/AAC is remuxed once to TS, anything else is refused by
// its content (not its name), limits and names are enforced, and nothing is ever left behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorResponse, EventPage, MediaResponse } from '@mld/contracts';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { freeUdpPort, startTestApp, tokenForRole, type TestApp } from '../testing/test-app.js';
import { MediaLibrary } from './media-library.service.js';
import { makeMp4, makeTs, sha256, uploadForm, uploadStreamed } from './testing/media-fixtures.js';

const LIMIT = 2_000_000;

function ffprobe(path: string): { format: { format_name: string }; streams: { codec_type: string; codec_name: string }[] } {
  const run = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name:stream=codec_type,codec_name', '-of', 'json', path], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as never;
}

describe('media library (real PostgreSQL, real ffprobe/FFmpeg)', () => {
  let app: TestApp;
  let admin: string;
  let viewer: string;
  let operator: string;
  let work: string;
  const files = { ts: '', mp4: '', mov: '', mpeg4: '', text: '', big: '' };
  let mediaDir: string;

  /** Everything under DATA_DIR/media, incoming uploads included. */
  const onDisk = () => ({ stored: readdirSync(mediaDir).filter((n) => n !== '.incoming').sort(), incoming: readdirSync(join(mediaDir, '.incoming')) });
  const assertNothingLeft = (before: ReturnType<typeof onDisk>) => assert.deepEqual(onDisk(), { stored: before.stored, incoming: [] });
  const upload = (file: string, fields: Record<string, string> = {}, token = admin) => uploadForm<MediaResponse & ErrorResponse>(app.url, token, file, fields);

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'mld-media-'));
    files.ts = await makeTs(work, 'clip');
    files.mp4 = await makeMp4(work, 'clip-h264.mp4', 'libx264');
    files.mov = await makeMp4(work, 'clip-h264.mov', 'libx264');
    files.mpeg4 = await makeMp4(work, 'clip-mpeg4.mp4', 'mpeg4');
    files.text = join(work, 'x.ts');
    writeFileSync(files.text, 'this is not a transport stream\n'.repeat(20));
    // Valid TS, only too big: the size alone must refuse it.
    files.big = join(work, 'big.ts');
    const ts = readFileSync(files.ts);
    writeFileSync(files.big, Buffer.concat(Array.from({ length: Math.ceil((LIMIT * 1.5) / ts.length) }, () => ts)));
    app = await startTestApp({ MEDIA_MAX_UPLOAD_BYTES: String(LIMIT) });
    mediaDir = join(app.dataDir, 'media');
    admin = await app.login();
    viewer = await tokenForRole(app, admin, 'viewer');
    operator = await tokenForRole(app, admin, 'operator');
  });
  after(async () => {
    await app?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('stores an MPEG-TS upload bit-exact as <uuid>.ts, with its duration and codecs, and logs it', async () => {
    const result = await upload(files.ts, { name: 'Slate TS' });
    assert.equal(result.status, 201, JSON.stringify(result.body));
    const media = result.body;
    assert.match(media.id, /^[0-9a-f-]{36}$/);
    const stored = join(mediaDir, `${media.id}.ts`);
    assert.equal(sha256(stored), sha256(files.ts), 'stored file differs from the upload');
    assert.equal(media.size_bytes, statSync(files.ts).size);
    assert.deepEqual(
      { name: media.name, container: media.container, source: media.source_container, video: media.video_codec, audio: media.audio_codec, w: media.width, h: media.height, by: media.uploaded_by, used: media.used_by },
      { name: 'Slate TS', container: 'mpegts', source: 'mpegts', video: 'h264', audio: 'aac', w: 320, h: 240, by: 'admin', used: [] },
    );
    assert.ok(media.duration_ms !== null && Math.abs(media.duration_ms - 2000) < 250, `duration ${media.duration_ms}`);
    assert.ok(media.bitrate_bps !== null && media.bitrate_bps > 500_000, `bitrate ${media.bitrate_bps}`);

    const one = await app.request<MediaResponse>('GET', `/api/media/${media.id}`, { token: viewer });
    assert.deepEqual(one.body, media);
    const list = await app.request<MediaResponse[]>('GET', '/api/media', { token: viewer });
    assert.equal(list.status, 200);
    assert.ok(list.body.some((m) => m.id === media.id));
    const playable = await app.running.app.get(MediaLibrary).resolveForPlayback(media.id);
    assert.deepEqual(playable, { id: media.id, path: stored, durationMs: media.duration_ms });

    const events = await app.request<EventPage>('GET', '/api/events?type=config.changed', { token: viewer });
    assert.ok(events.body.events.some((e) => e.message.startsWith('media "Slate TS" uploaded by admin (mpegts, h264/aac') && e.details?.['media_id'] === media.id), JSON.stringify(events.body.events.map((e) => e.message)));
    const audit = await app.request<Array<{ action: string; status_code: number; actor_name: string }>>('GET', '/api/audit?limit=50', { token: admin });
    assert.ok(audit.body.some((r) => r.action === 'MediaController.upload' && r.status_code === 201 && r.actor_name === 'admin'));
  });

  it('remuxes MP4 and MOV with H.264/AAC once to MPEG-TS with the same codecs; the name defaults to the file name', async () => {
    const before = onDisk();
    const result = await upload(files.mp4);
    assert.equal(result.status, 201, JSON.stringify(result.body));
    assert.deepEqual([result.body.name, result.body.source_container, result.body.container, result.body.video_codec, result.body.audio_codec], ['clip-h264', 'mp4', 'mpegts', 'h264', 'aac']);
    const stored = join(mediaDir, `${result.body.id}.ts`);
    const probed = ffprobe(stored);
    assert.equal(probed.format.format_name, 'mpegts');
    assert.deepEqual(probed.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort(), ['audio:aac', 'video:h264']);
    const bytes = readFileSync(stored);
    assert.equal(bytes.length % 188, 0);
    assert.equal(bytes.length, result.body.size_bytes);
    for (let i = 0; i < bytes.length; i += 188) assert.equal(bytes[i], 0x47, `no sync byte at ${i}`);
    assert.ok(result.body.duration_ms !== null && Math.abs(result.body.duration_ms - 2000) < 250);
    assert.deepEqual(onDisk(), { stored: [...before.stored, `${result.body.id}.ts`].sort(), incoming: [] });

    const mov = await upload(files.mov, { name: 'QuickTime' });
    assert.equal(mov.status, 201, JSON.stringify(mov.body));
    assert.deepEqual([mov.body.source_container, mov.body.video_codec, mov.body.audio_codec], ['mov', 'h264', 'aac']);
    assert.equal(ffprobe(join(mediaDir, `${mov.body.id}.ts`)).format.format_name, 'mpegts');
  });

  it('refuses other codecs and non-media with 415 naming what was found and what is accepted', async () => {
    const before = onDisk();
    const mpeg4 = await upload(files.mpeg4);
    assert.equal(mpeg4.status, 415, JSON.stringify(mpeg4.body));
    assert.equal(mpeg4.body.code, 'UNSUPPORTED_MEDIA_TYPE');
    assert.match(mpeg4.body.message, /^the file is mp4 with video mpeg4 and audio aac; accepted: MPEG-TS \(stored as is\), or MP4\/MOV with H\.264 video and AAC audio/);
    const text = await upload(files.text, { name: 'not really TS' });
    assert.equal(text.status, 415, JSON.stringify(text.body));
    assert.match(text.body.message, /^the file is not a media file ffprobe recognises \(ffprobe exited with code 1: the file: Invalid data found when processing input\); accepted:/);
    assert.ok(!text.body.message.includes(app.dataDir), 'a server path leaked into the message');
    // A playlist naming a file on the server is not followed: the HLS demuxer is not on ffprobe's list.
    const playlist = join(work, 'list.m3u8');
    writeFileSync(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n${files.ts}\n#EXT-X-ENDLIST\n`);
    const hls = await upload(playlist);
    assert.equal(hls.status, 415, JSON.stringify(hls.body));
    assert.match(hls.body.message, /^the file is not a media file ffprobe recognises/);
    assertNothingLeft(before);
  });

  it('refuses a file over MEDIA_MAX_UPLOAD_BYTES with 413, declared or streamed, and keeps nothing', async () => {
    const before = onDisk();
    const declared = await upload(files.big, { name: 'too big' });
    assert.equal(declared.status, 413, JSON.stringify(declared.body));
    assert.equal(declared.body.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(declared.body.message, `the file is larger than the upload limit of 1.91 MiB (${LIMIT} bytes, MEDIA_MAX_UPLOAD_BYTES); nothing was stored`);
    const streamed = await uploadStreamed<ErrorResponse>(app.url, admin, files.big);
    assert.equal(streamed.status, 413, JSON.stringify(streamed.body));
    assert.equal(streamed.body.message, declared.body.message);
    assertNothingLeft(before);
    // The limit refuses sizes, not the service: the next upload works.
    assert.equal((await upload(files.ts, { name: 'after 413' })).status, 201);
  });

  it('refuses bad names and unknown fields with 400 naming the field, before probing, and keeps nothing', async () => {
    const before = onDisk();
    for (const name of ['../../etc/passwd', 'a/b', 'a\\b', '..', 'x'.repeat(201), 'bell\u0007', 'nul\u0000', '  ']) {
      const result = await upload(files.ts, { name });
      assert.equal(result.status, 400, `${JSON.stringify(name)}: ${result.status} ${JSON.stringify(result.body)}`);
      assert.equal(result.body.errors?.[0]?.field, 'name', JSON.stringify(result.body));
    }
    const extra = await upload(files.ts, { path: '/tmp/x.ts' });
    assert.equal(extra.status, 400);
    assert.ok(extra.body.errors?.some((e) => e.field === 'path'), JSON.stringify(extra.body));
    const noFile = await app.request<ErrorResponse>('POST', '/api/media', { token: admin, body: { name: 'json only' } });
    assert.equal(noFile.status, 400);
    assert.equal(noFile.body.errors?.[0]?.field, 'file');
    const wrongField = await uploadForm<ErrorResponse>(app.url, admin, files.ts, {}, 'upload');
    assert.equal(wrongField.status, 400, JSON.stringify(wrongField.body));
    assertNothingLeft(before);
  });

  it('lets viewers and operators list but not upload or delete (403)', async () => {
    const before = onDisk();
    for (const token of [viewer, operator]) {
      const refused = await upload(files.ts, { name: 'not allowed' }, token);
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      assert.equal((await app.request('GET', '/api/media', { token })).status, 200);
    }
    const id = (await app.request<MediaResponse[]>('GET', '/api/media', { token: admin })).body[0]!.id;
    assert.equal((await app.request('DELETE', `/api/media/${id}`, { token: operator })).status, 403);
    assert.equal((await app.request('GET', '/api/media', {})).status, 401);
    assertNothingLeft(before);
  });

  it('refuses to delete a file a channel plays (409 naming it), then deletes row and file', async () => {
    const created = await upload(files.ts, { name: 'in use' });
    assert.equal(created.status, 201);
    const id = created.body.id;
    const channel = await app.request<{ id: string }>('POST', '/api/channels', { token: admin, body: { name: 'plays-a-file', bind_ip: '127.0.0.1', port: await freeUdpPort() } });
    assert.equal(channel.status, 201);
    const db = app.running.app.get(DataSource);
    await db.query('UPDATE channels SET input_media_id = $1 WHERE id = $2', [id, channel.body.id]);

    const used = await app.request<MediaResponse>('GET', `/api/media/${id}`, { token: viewer });
    assert.deepEqual(used.body.used_by, [{ id: channel.body.id, name: 'plays-a-file' }]);
    const refused = await app.request<ErrorResponse>('DELETE', `/api/media/${id}`, { token: admin });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.match(refused.body.message, /^media "in use" is the input of channel "plays-a-file"/);
    assert.ok(statSync(join(mediaDir, `${id}.ts`)).isFile(), 'the file went away although the delete was refused');
    // The foreign key holds even without the service's check (own client: the app would log the refusal).
    const raw = new pg.Client({ connectionString: app.running.databaseUrl });
    await raw.connect();
    try {
      await assert.rejects(raw.query('DELETE FROM media WHERE id = $1', [id]), /FK_channels_input_media/);
    } finally {
      await raw.end();
    }

    await db.query('UPDATE channels SET input_media_id = NULL WHERE id = $1', [channel.body.id]);
    const deleted = await app.request('DELETE', `/api/media/${id}`, { token: admin });
    assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
    assert.ok(!readdirSync(mediaDir).includes(`${id}.ts`), 'the file is still there');
    assert.equal((await app.request('GET', `/api/media/${id}`, { token: admin })).status, 404);
    await assert.rejects(app.running.app.get(MediaLibrary).resolveForPlayback(id), { name: 'DomainError', code: 'NOT_FOUND' });
    assert.equal((await app.request('DELETE', `/api/media/${id}`, { token: admin })).status, 404);
    const events = await app.request<EventPage>('GET', '/api/events?type=config.changed', { token: viewer });
    assert.ok(events.body.events.some((e) => e.message === 'media "in use" deleted by admin'));
  });
});
