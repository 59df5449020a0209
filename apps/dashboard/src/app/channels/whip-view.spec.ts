import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errorMessage, sentBitrate } from './whip-view.js';

describe('whip-view', () => {
  it('turns API refusals into words', () => {
    assert.equal(errorMessage(401, '{"message":"a WHIP publisher needs the channel\'s token"}'), "The token was refused: a WHIP publisher needs the channel's token");
    assert.equal(errorMessage(400, '{"message":"H.264 is not offered (offered: VP8)"}'), 'Refused (400): H.264 is not offered (offered: VP8)');
    assert.equal(errorMessage(503, 'down'), 'The channel is not running: down');
  });

  it('computes the send bitrate between two samples', () => {
    assert.equal(sentBitrate(null, 1000, 0), 0);
    assert.equal(sentBitrate({ bytes: 0, at: 0 }, 375_000, 1000), 3_000_000);
    assert.equal(sentBitrate({ bytes: 500, at: 1000 }, 100, 2000), 0, 'a new connection restarts the counter');
  });
});
