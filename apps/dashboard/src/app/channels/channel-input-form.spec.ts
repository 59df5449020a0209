import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelInputView } from '@mld/contracts';
import { placeFieldErrors } from '../core/api/field-errors.js';
import { INPUT_FIELD_ALIASES, INPUT_FIELDS, inputFormValue, inputRequest, keepsSrtSecret, missingInputFields, type InputFormValue } from './channel-input-form.js';

const SRT_LISTENER: ChannelInputView = { type: 'srt', mode: 'listener', bind_ip: '0.0.0.0', host: null, port: 9000, latency: 300, passphrase: 'correct-horse-battery', pbkeylen: 32, streamid: null, connect_url: 'srt://10.0.0.1:9000' };
const SRT_CALLER: ChannelInputView = { type: 'srt', mode: 'caller', bind_ip: '0.0.0.0', host: 'enc.example.net', port: 9001, latency: 200, passphrase: null, pbkeylen: null, streamid: 'studio-a' };

function form(patch: Partial<InputFormValue>): InputFormValue {
  return { ...inputFormValue(null), ...patch };
}

describe('channel input form', () => {
  it('starts a new channel as RTP on every address, SRT latency at the 200 ms default', () => {
    const v = inputFormValue(null);
    assert.equal(v.input_type, 'rtp');
    assert.equal(v.bind_ip, '0.0.0.0');
    assert.equal(v.latency, '200');
    assert.equal(v.loop, true);
  });

  it('fills the fields from an input but never puts a secret back into one', () => {
    const v = inputFormValue(SRT_LISTENER);
    assert.deepEqual([v.input_type, v.mode, v.bind_ip, v.port, v.latency, v.pbkeylen, v.passphrase], ['srt', 'listener', '0.0.0.0', '9000', '300', '32', '']);
    assert.equal(inputFormValue(SRT_CALLER).streamid, '');
    assert.equal(inputFormValue(SRT_CALLER).host, 'enc.example.net');
    assert.deepEqual(inputFormValue({ type: 'file', media_id: 'm1', loop: false }).loop, false);
    assert.equal(inputFormValue({ type: 'udp', bind_ip: '239.1.1.1', port: 5000, source_ip: '10.0.0.9', interface_ip: null }).source_ip, '10.0.0.9');
  });

  it('sends only the fields of the chosen kind', () => {
    assert.deepEqual(inputRequest(form({ input_type: 'rtp', bind_ip: ' 239.1.1.1 ', port: '5000', source_ip: '' }), null), { type: 'rtp', bind_ip: '239.1.1.1', port: 5000, source_ip: null, interface_ip: null });
    assert.deepEqual(inputRequest(form({ input_type: 'srt', port: '9000', passphrase: 'correct-horse-battery', pbkeylen: '16' }), null), {
      type: 'srt',
      mode: 'listener',
      port: 9000,
      bind_ip: '0.0.0.0',
      latency: 200,
      passphrase: 'correct-horse-battery',
      pbkeylen: 16,
    });
    assert.deepEqual(inputRequest(form({ input_type: 'srt', mode: 'caller', host: 'enc.example.net', port: '9001', bind_ip: '0.0.0.0', streamid: 'cam-1' }), null), {
      type: 'srt',
      mode: 'caller',
      port: 9001,
      host: 'enc.example.net',
      latency: 200,
      pbkeylen: null,
      streamid: 'cam-1',
    });
    assert.deepEqual(inputRequest(form({ input_type: 'rtmp', port: '5000' }), null), { type: 'rtmp' });
    assert.deepEqual(inputRequest(form({ input_type: 'file', media_id: 'm1', loop: false }), null), { type: 'file', media_id: 'm1', loop: false });
  });

  it('passes text that is not a number through, so the server names the field', () => {
    assert.equal(inputRequest(form({ input_type: 'srt', port: '90a0', latency: 'fast' }), null)['port'], '90a0');
    assert.equal(inputRequest(form({ input_type: 'srt', port: '9000', latency: 'fast' }), null)['latency'], 'fast');
    assert.equal('latency' in inputRequest(form({ input_type: 'srt', port: '9000', latency: ' ' }), null), false);
  });

  it('leaves unchanged secrets out (the server keeps them) and never sends a mask back', () => {
    const edit = { ...inputFormValue(SRT_LISTENER), latency: '250' };
    const body = inputRequest(edit, SRT_LISTENER);
    assert.equal('passphrase' in body, false);
    assert.equal(body['latency'], 250);
    assert.equal('passphrase' in inputRequest({ ...edit, passphrase: '****' }, SRT_LISTENER), false);
    assert.equal(inputRequest({ ...edit, passphrase: 'a-new-passphrase' }, SRT_LISTENER)['passphrase'], 'a-new-passphrase');
    assert.equal(inputRequest({ ...edit, clear_passphrase: true }, SRT_LISTENER)['passphrase'], null);
    const caller = inputRequest(inputFormValue(SRT_CALLER), SRT_CALLER);
    assert.equal('streamid' in caller, false);
    assert.equal(inputRequest({ ...inputFormValue(SRT_CALLER), clear_streamid: true }, SRT_CALLER)['streamid'], null);
  });

  it('keeps a secret only for the same kind and mode, as the server does', () => {
    assert.equal(keepsSrtSecret(SRT_LISTENER, 'listener', 'passphrase'), true);
    assert.equal(keepsSrtSecret(SRT_LISTENER, 'caller', 'passphrase'), false);
    assert.equal(keepsSrtSecret(SRT_CALLER, 'caller', 'passphrase'), false, 'no passphrase to keep');
    assert.equal(keepsSrtSecret(SRT_CALLER, 'caller', 'streamid'), true);
    assert.equal(keepsSrtSecret(null, 'listener', 'passphrase'), false);
    // A stale "remove" tick from another mode removes nothing.
    assert.equal('passphrase' in inputRequest({ ...inputFormValue(SRT_LISTENER), mode: 'caller', host: 'h', clear_passphrase: true }, SRT_LISTENER), false);
  });

  it('names what is missing before asking the server', () => {
    assert.deepEqual(Object.keys(missingInputFields(form({ input_type: 'rtp', bind_ip: '', port: '' }))), ['bind_ip', 'port']);
    assert.deepEqual(Object.keys(missingInputFields(form({ input_type: 'srt', mode: 'caller', port: '9000' }))), ['host']);
    assert.deepEqual(Object.keys(missingInputFields(form({ input_type: 'srt', port: '9000', bind_ip: '' }))), [], 'a listener binds 0.0.0.0 by default');
    assert.deepEqual(Object.keys(missingInputFields(form({ input_type: 'file' }))), ['media_id']);
    assert.deepEqual(missingInputFields(form({ input_type: 'rtmp', port: '' })), {});
  });

  it('puts the server\'s input.<field> messages under the matching control', () => {
    const fields = ['name', 'input_type', ...INPUT_FIELDS] as const;
    const placed = placeFieldErrors(
      { 'input.passphrase': 'passphrase must be 10-79 printable characters', 'input.port': 'port must be an integer from 1 to 65535', 'input.type': 'type must be one of …', rtp_port: 'too big', input: 'input must be an object' },
      fields,
      INPUT_FIELD_ALIASES,
    );
    assert.deepEqual(placed.byField, { passphrase: 'passphrase must be 10-79 printable characters', port: 'port must be an integer from 1 to 65535; too big', input_type: 'type must be one of …' });
    assert.deepEqual(placed.unplaced, ['input must be an object']);
  });
});
