import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelInputView } from '@mld/contracts';
import { placeFieldErrors } from '../core/api/field-errors.js';
import { INPUT_FIELD_ALIASES, INPUT_FIELDS, inputFormValue } from './channel-input-form.js';
import {
  BACKUP_FIELDS,
  backupFieldErrors,
  FAILOVER_FIELDS,
  failoverFormValue,
  failoverRequest,
  missingRedundancyFields,
  REDUNDANCY_FIELD_ALIASES,
  redundancyFormValue,
  redundancyRequest,
  type RedundancyFormState,
} from './channel-redundancy-form.js';

const RTP_BACKUP: ChannelInputView = { type: 'rtp', bind_ip: '0.0.0.0', port: 5002, source_ip: null, interface_ip: null };
const RTMP_BACKUP: ChannelInputView = { type: 'rtmp', stream_key: 'k3y-of-the-backup-encoder', publish_url: 'rtmp://127.0.0.1:1935/live/k3y-of-the-backup-encoder' };
const SRT_BACKUP: ChannelInputView = { type: 'srt', mode: 'listener', bind_ip: '0.0.0.0', host: null, port: 9002, latency: 200, passphrase: 'backup-passphrase-01', pbkeylen: null, streamid: null, connect_url: 'srt://10.0.0.1:9002' };
const FAILOVER = { mode: 'failover', prefer: 'main', loss_ms: 800, restore_ms: 30_000, merge_window_ms: 200 } as const;

function on(patch: Partial<RedundancyFormState['backup']> = {}, failover: Partial<RedundancyFormState['failover']> = {}): RedundancyFormState {
  return { enabled: true, backup: { ...inputFormValue(null), port: '5002', ...patch }, failover: { ...failoverFormValue(null), ...failover } };
}

describe('channel form: backup input and failover', () => {
  it('starts with the backup off and the documented failover defaults; an existing backup fills the fields', () => {
    const fresh = redundancyFormValue(null);
    assert.equal(fresh.enabled, false);
    assert.deepEqual(fresh.failover, { mode: 'failover', prefer: 'main', loss_ms: '500', restore_ms: '10000', merge_window_ms: '200' });
    const existing = redundancyFormValue({ backup_input: RTP_BACKUP, failover: FAILOVER });
    assert.equal(existing.enabled, true);
    assert.equal(existing.backup.port, '5002');
    assert.equal(existing.failover.loss_ms, '800');
    assert.equal(redundancyFormValue({ backup_input: SRT_BACKUP, failover: FAILOVER }).backup.passphrase, '', 'a secret is never put back into a field');
  });

  it('sends nothing for a channel that has no backup and gets none', () => {
    assert.deepEqual(redundancyRequest({ ...on(), enabled: false }, null), {});
    assert.deepEqual(redundancyRequest({ ...on(), enabled: false }, { backup_input: null }), {});
  });

  it('creates a backup with its failover settings: the failover fields of the mode, numbers as numbers', () => {
    assert.deepEqual(redundancyRequest(on({}, { loss_ms: '750' }), null), {
      backup_input: { type: 'rtp', bind_ip: '0.0.0.0', port: 5002, source_ip: null, interface_ip: null },
      failover: { mode: 'failover', prefer: 'main', loss_ms: 750, restore_ms: 10_000 },
    });
    assert.deepEqual(redundancyRequest(on({}, { mode: 'merge', merge_window_ms: '120', loss_ms: 'ignored' }), null).failover, { mode: 'merge', merge_window_ms: 120 }, 'merge: only the window applies');
    assert.equal(failoverRequest({ ...failoverFormValue(null), restore_ms: 'soon' })['restore_ms'], 'soon', 'not a number: sent as typed, so the server names the field');
  });

  it('turning the backup off in an edit removes it with "backup_input": null (and no failover)', () => {
    assert.deepEqual(redundancyRequest({ ...redundancyFormValue({ backup_input: RTP_BACKUP, failover: FAILOVER }), enabled: false }, { backup_input: RTP_BACKUP }), { backup_input: null });
  });

  it('leaves an untouched backup out (an RTMP backup keeps its key, an SRT one its passphrase) but still sends the failover settings', () => {
    for (const backup of [RTP_BACKUP, RTMP_BACKUP, SRT_BACKUP]) {
      const state = redundancyFormValue({ backup_input: backup, failover: FAILOVER });
      const body = redundancyRequest({ ...state, failover: { ...state.failover, restore_ms: '5000' } }, { backup_input: backup });
      assert.equal('backup_input' in body, false, `${backup.type}: unchanged backup left out`);
      assert.deepEqual(body.failover, { mode: 'failover', prefer: 'main', loss_ms: 800, restore_ms: 5000 });
    }
    const moved = redundancyFormValue({ backup_input: RTP_BACKUP, failover: FAILOVER });
    assert.deepEqual(redundancyRequest({ ...moved, backup: { ...moved.backup, port: '5004' } }, { backup_input: RTP_BACKUP }).backup_input, { ...RTP_BACKUP, port: 5004 });
    const srt = redundancyFormValue({ backup_input: SRT_BACKUP, failover: FAILOVER });
    const rekeyed = redundancyRequest({ ...srt, backup: { ...srt.backup, latency: '400' } }, { backup_input: SRT_BACKUP }).backup_input;
    assert.equal(rekeyed?.['latency'], 400);
    assert.equal(rekeyed && 'passphrase' in rekeyed, false, 'an edited SRT backup still keeps its passphrase');
  });

  it('names what is missing under the backup\'s own fields, only while the backup is on', () => {
    assert.deepEqual(Object.keys(missingRedundancyFields(on({ port: '' }, { loss_ms: ' ' }))), ['backup_input.port', 'failover.loss_ms']);
    assert.deepEqual(Object.keys(missingRedundancyFields(on({ input_type: 'file' }, { mode: 'merge', merge_window_ms: '', loss_ms: '' }))), ['backup_input.media_id', 'failover.merge_window_ms']);
    assert.deepEqual(missingRedundancyFields({ ...on({ port: '' }), enabled: false }), {});
  });

  it('puts the server\'s backup_input.* and failover.* messages on the backup\'s and failover\'s controls, not the main\'s', () => {
    const fields = ['name', 'input_type', ...INPUT_FIELDS, ...BACKUP_FIELDS, ...FAILOVER_FIELDS] as const;
    const placed = placeFieldErrors(
      {
        'input.port': 'port 5000 is used by channel "news"',
        'backup_input.port': 'the backup must be received on another port than the main (0.0.0.0:5000): one UDP port serves one input',
        'backup_input.type': 'merge needs RTP on both inputs',
        'failover.loss_ms': 'loss_ms is in milliseconds: an integer from 100 to 10000',
        failover: 'failover applies to a channel with a backup_input',
      },
      fields,
      { ...INPUT_FIELD_ALIASES, ...REDUNDANCY_FIELD_ALIASES },
    );
    assert.deepEqual(placed.byField, {
      port: 'port 5000 is used by channel "news"',
      'backup_input.port': 'the backup must be received on another port than the main (0.0.0.0:5000): one UDP port serves one input',
      'backup_input.input_type': 'merge needs RTP on both inputs',
      'failover.loss_ms': 'loss_ms is in milliseconds: an integer from 100 to 10000',
      'failover.mode': 'failover applies to a channel with a backup_input',
    });
    assert.deepEqual(placed.unplaced, []);
    // The shared input fields read the backup's messages by their own control names.
    assert.deepEqual(backupFieldErrors(placed.byField), { port: placed.byField['backup_input.port'], input_type: 'merge needs RTP on both inputs' });
  });
});
