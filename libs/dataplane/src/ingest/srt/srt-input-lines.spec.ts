// srt-input-lines: the lines below were printed by srt-live-transmit 1.5.1 (-v -loglevel:note,
// receiving) on this machine, for a caller accepted, refused, leaving, a taken port and statistics.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STATS_LINE } from '../../testing/srt-lines.js';
import { describeRefusal, describeRefusalByListener, describeSrtError, parseSrtInputLine, parseSrtReceiveReport, srtInputLineParser } from './srt-input-lines.js';

describe('parseSrtInputLine', () => {
  it('a caller accepted by the listener', () => {
    assert.deepEqual(parseSrtInputLine('06:50:02.901849/SRT:RcvQ:w1.N:SRT.cn: PASSING request from: 127.0.0.5:54155 to agent:428990652'), { kind: 'request', peer: '127.0.0.5:54155' });
    assert.equal(parseSrtInputLine('06:50:02.901976/SRT:RcvQ:w1.N:SRT.cn: Listener managed the connection request from: 127.0.0.5:54155 result:waveahand'), undefined);
    assert.deepEqual(parseSrtInputLine('06:50:02.903660/SRT:RcvQ:w1.N:SRT.cn: listen ret: -1 - conclusion'), { kind: 'handshake_done' });
    assert.deepEqual(parseSrtInputLine('Accepted SRT source connection'), { kind: 'accepted' });
    assert.deepEqual(parseSrtInputLine('SRT source disconnected'), { kind: 'disconnected' });
  });

  it('a caller refused by the listener, and a caller (us) refused by a listener', () => {
    assert.deepEqual(parseSrtInputLine('06:48:33.638720/SRT:RcvQ:w1!W:SRT.cn: processConnectRequest: rsp(REJECT): 1010 - Incorrect passphrase'), { kind: 'refused', code: 1010, reason: 'Incorrect passphrase' });
    assert.deepEqual(parseSrtInputLine('06:50:07.066751/SRT:RcvQ:w1!W:SRT.cn: processConnectRequest: rsp(REJECT): 1011 - Password required or unexpected'), { kind: 'refused', code: 1011, reason: 'Password required or unexpected' });
    assert.deepEqual(parseSrtInputLine('06:48:33.638820/SRT:RcvQ:w1!W:SRT.cn: processAsyncConnectRequest: REJECT reported from HS processing: Incorrect passphrase - not processing further'), {
      kind: 'refused_by_listener',
      reason: 'Incorrect passphrase',
    });
    // libsrt's own detail lines about the same refusal are not events of their own.
    assert.equal(parseSrtInputLine('06:48:33.638224/SRT:RcvQ:w1!W:SRT.cn: KMREQ/rcv: (snd) Rx process failure - BADSECRET'), undefined);
    assert.equal(parseSrtInputLine('06:48:33.638710/SRT:RcvQ:w1!W:SRT.cn: @219619860:newConnection: connection rejected due to: INTERNAL REJECTION - ERROR:BADSECRET'), undefined);
  });

  it('caller mode: the handshake with the listener completed', () => {
    assert.deepEqual(parseSrtInputLine('06:54:18.328034/SRT:RcvQ:w1.N:SRT.cn: @308272865:Connection established to: 127.0.0.1:9130'), { kind: 'established', peer: '127.0.0.1:9130' });
  });

  it('errors: the verbose line has the errno, the summary does not', () => {
    assert.deepEqual(parseSrtInputLine('ERROR #1003.98: Connection setup failure: unable to create/configure SRT socket'), {
      kind: 'error',
      errno: 98,
      message: 'Connection setup failure: unable to create/configure SRT socket',
    });
    assert.deepEqual(parseSrtInputLine('ERROR: error: srt_bind: Connection setup failure: unable to create/configure SRT socket'), {
      kind: 'error',
      errno: null,
      message: 'srt_bind: Connection setup failure: unable to create/configure SRT socket',
    });
    assert.equal(parseSrtInputLine('Port value invalid: 80 - must be >=1024')?.kind, 'error');
  });

  it('statistics; everything else is nothing, including broken JSON', () => {
    assert.equal(parseSrtInputLine(STATS_LINE)?.kind, 'stats');
    for (const line of ['', 'Media path: x', ' listen...', 'SrtCommon: ... done.', '{"sid":1,', '{"sid":1}', 'null', '{"recv":null}']) assert.equal(parseSrtInputLine(line), undefined, line);
  });
});

describe('parseSrtReceiveReport', () => {
  it('takes the receiver side of the connection', () => {
    assert.deepEqual(parseSrtReceiveReport(STATS_LINE), {
      sid: 219619862,
      rttMs: 0.048,
      recvRateMbps: 8.36132,
      latencyMs: 200,
      packetsReceived: 1200,
      packetsLost: 12,
      packetsRetransmitted: 9,
      packetsDropped: 3,
    });
  });

  it('non-numbers become 0', () => {
    assert.equal(parseSrtReceiveReport('{"sid":"x","recv":{"packets":"12","packetsDropped":null}}')?.packetsReceived, 0);
  });
});

describe('describing refusals and errors', () => {
  it('in an operator’s words, from each side', () => {
    assert.equal(describeRefusal(1010, 'Incorrect passphrase', true), 'bad passphrase');
    assert.equal(describeRefusal(1011, 'Password required or unexpected', true), 'no passphrase (this input requires one)');
    assert.equal(describeRefusal(1011, 'Password required or unexpected', false), 'it sent a passphrase, this input has none');
    assert.equal(describeRefusal(1013, 'Congestion controller type collision', false), 'congestion controller type collision');
    assert.equal(describeRefusalByListener('Incorrect passphrase', true), 'bad passphrase');
    assert.equal(describeRefusalByListener('Password required or unexpected', false), 'the listener requires a passphrase');
  });

  it('a failed bind by errno', () => {
    const error = (errno: number | null) => ({ kind: 'error' as const, errno, message: 'Connection setup failure: unable to create/configure SRT socket' });
    assert.equal(describeSrtError(error(98), '127.0.0.1:9000', true), 'cannot listen on 127.0.0.1:9000: the port is already used by another program');
    assert.equal(describeSrtError(error(99), '10.9.9.9:9000', true), 'cannot listen on 10.9.9.9:9000: 10.9.9.9 is not an address of this host');
    assert.equal(describeSrtError(error(null), '10.9.9.9:9000', false), 'cannot call 10.9.9.9:9000: Connection setup failure: unable to create/configure SRT socket');
  });
});

describe('srtInputLineParser', () => {
  it('statistics and connections are progress, errors are errors, libsrt chatter is neither', () => {
    assert.deepEqual(srtInputLineParser.parse(STATS_LINE), { progress: { stats: 1 } });
    assert.deepEqual(srtInputLineParser.parse('Accepted SRT source connection'), { progress: { accepted: 1 } });
    assert.equal(srtInputLineParser.parse('ERROR: error: srt_bind: Connection setup failure')?.error, 'srt_bind: Connection setup failure');
    assert.equal(srtInputLineParser.parse('06:49:10.407656/SRT:RcvQ:w1*E:SRT.cn: interpretSrtHandshake: KMREQ result abnornal - rejecting per enforced encryption'), undefined);
    assert.equal(srtInputLineParser.parse("Media path: 'srt://:9000?mode=listener' --> 'file://con'"), undefined);
  });
});
