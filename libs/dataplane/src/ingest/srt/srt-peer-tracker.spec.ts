// Who is connected to an SRT input, and the events an operator sees, from srt-live-transmit's lines.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSrtInputLine } from './srt-input-lines.js';
import { REFUSAL_EVENT_WINDOW_MS, SrtPeerTracker } from './srt-peer-tracker.js';

const lib = (text: string) => `06:50:02.901849/SRT:RcvQ:w1.N:SRT.cn: ${text}`;

function feed(tracker: SrtPeerTracker, lines: string[], at = 0) {
  return lines.flatMap((text) => {
    const line = parseSrtInputLine(text);
    return line ? tracker.push(line, at) : [];
  });
}

const acceptLines = (peer: string) => [
  lib(`PASSING request from: ${peer} to agent:428990652`),
  lib(`Listener managed the connection request from: ${peer} result:waveahand`),
  lib(`PASSING request from: ${peer} to agent:428990652`),
  lib('listen ret: -1 - conclusion'),
  lib(`Listener managed the connection request from: ${peer} result:waveahand`),
  'Accepted SRT source connection',
];

const refuseLines = (peer: string) => [
  lib(`PASSING request from: ${peer} to agent:219619861`),
  lib(`PASSING request from: ${peer} to agent:219619861`),
  lib('KMREQ/rcv: (snd) Rx process failure - BADSECRET'),
  lib('processConnectRequest: rsp(REJECT): 1010 - Incorrect passphrase'),
  lib('listen ret: 1010 - ERROR:BADSECRET'),
  lib(`Listener managed the connection request from: ${peer} result:INVALID`),
];

describe('SrtPeerTracker (listener)', () => {
  it('names the caller that connected and left', () => {
    const t = new SrtPeerTracker({ mode: 'listener', target: null, hasPassphrase: true });
    assert.deepEqual(feed(t, acceptLines('127.0.0.5:54155')), [{ kind: 'peer_connected', level: 'info', message: 'caller 127.0.0.5:54155 connected', peer: '127.0.0.5:54155' }]);
    assert.equal(t.peer, '127.0.0.5:54155');
    assert.deepEqual(feed(t, ['SRT source disconnected']), [{ kind: 'peer_disconnected', level: 'warn', message: 'caller 127.0.0.5:54155 left', peer: '127.0.0.5:54155' }]);
    assert.equal(t.peer, null);
    assert.deepEqual(feed(t, ['SRT source disconnected']), [], 'nobody left twice');
    assert.equal(feed(t, acceptLines('127.0.0.6:40000'))[0]?.message, 'caller 127.0.0.6:40000 connected');
  });

  it('a refused caller is one event per host and reason per window, then a count', () => {
    const t = new SrtPeerTracker({ mode: 'listener', target: null, hasPassphrase: true });
    const first = feed(t, refuseLines('127.0.0.5:41234'), 0);
    assert.deepEqual(first, [{ kind: 'peer_rejected', level: 'warn', message: 'caller 127.0.0.5:41234 rejected: bad passphrase', peer: '127.0.0.5:41234' }]);
    // srt-live-transmit as a caller retries every ~25 ms from a new port.
    let later = 0;
    for (let i = 1; i <= 40; i++) later += feed(t, refuseLines(`127.0.0.5:${41234 + i}`), i * 25).length;
    assert.equal(later, 0);
    assert.equal(feed(t, refuseLines('127.0.0.9:5000'), 1100).length, 1, 'another host is reported at once');
    const next = feed(t, refuseLines('127.0.0.5:42000'), REFUSAL_EVENT_WINDOW_MS);
    assert.equal(next[0]?.message, 'caller 127.0.0.5:42000 rejected: bad passphrase (40 more attempts refused since the last report)');
    assert.equal(t.peer, null, 'a refused caller never becomes the peer');
  });

  it('a refused caller does not disturb the one connected', () => {
    const t = new SrtPeerTracker({ mode: 'listener', target: null, hasPassphrase: false });
    feed(t, acceptLines('127.0.0.5:54155'));
    const events = feed(t, [lib('PASSING request from: 127.0.0.8:1111 to agent:1'), lib('processConnectRequest: rsp(REJECT): 1011 - Password required or unexpected')]);
    assert.equal(events[0]?.message, 'caller 127.0.0.8:1111 rejected: it sent a passphrase, this input has none');
    assert.equal(t.peer, '127.0.0.5:54155');
  });

  it('the child going away takes the peer with it', () => {
    const t = new SrtPeerTracker({ mode: 'listener', target: null, hasPassphrase: false });
    feed(t, acceptLines('127.0.0.5:54155'));
    assert.deepEqual(t.childGone('lost: the receiver exited'), [{ kind: 'peer_disconnected', level: 'warn', message: 'caller 127.0.0.5:54155 lost: the receiver exited', peer: '127.0.0.5:54155' }]);
    assert.deepEqual(t.childGone('again'), []);
  });
});

describe('SrtPeerTracker (caller)', () => {
  it('the listener we call answered, closed, refused', () => {
    const t = new SrtPeerTracker({ mode: 'caller', target: '127.0.0.1:9130', hasPassphrase: true });
    assert.deepEqual(feed(t, [lib('@308272865:Connection established to: 127.0.0.1:9130'), 'SRT source connected']), [
      { kind: 'peer_connected', level: 'info', message: 'connected to listener 127.0.0.1:9130', peer: '127.0.0.1:9130' },
    ]);
    assert.equal(feed(t, ['SRT source disconnected'])[0]?.message, 'listener 127.0.0.1:9130 closed the connection');
    assert.deepEqual(feed(t, [lib('processAsyncConnectRequest: REJECT reported from HS processing: Incorrect passphrase - not processing further')]), [
      { kind: 'peer_rejected', level: 'warn', message: 'listener 127.0.0.1:9130 refused the call: bad passphrase', peer: '127.0.0.1:9130' },
    ]);
  });
});
