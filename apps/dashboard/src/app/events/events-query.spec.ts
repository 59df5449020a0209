import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventRecord } from '@mld/contracts';
import { EMPTY_FILTER, eventQueryParams, formatDetails, localInputToIso, matchesFilter } from './events-query.js';

function event(extra: Partial<EventRecord>): EventRecord {
  return { id: '1', at: new Date().toISOString(), type: 'output.failed', severity: 'error', channel_id: 'c1', channel_name: 'N', output_id: null, output_name: null, actor: null, message: '', details: null, ...extra };
}

describe('event filters → query', () => {
  it('sends only what is set, with the cursor as "before"', () => {
    assert.deepEqual(eventQueryParams(EMPTY_FILTER), { limit: '50' });
    assert.deepEqual(eventQueryParams({ ...EMPTY_FILTER, channelId: 'c1', types: ['output.failed', 'input.lost'] }, '42', 20), {
      limit: '20',
      channel_id: 'c1',
      type: 'output.failed,input.lost',
      before: '42',
    });
  });

  it('reads datetime-local values as local time, "to" inclusive of its minute', () => {
    const from = localInputToIso('2026-11-25T14:03');
    assert.equal(from, new Date(2026, 10, 25, 14, 3, 0).toISOString());
    const params = eventQueryParams({ ...EMPTY_FILTER, from: '2026-11-25T14:03', to: '2026-11-25T14:05' });
    assert.equal(params['from'], from);
    assert.equal(params['to'], new Date(new Date(2026, 10, 25, 14, 5, 59, 999).getTime()).toISOString());
    assert.equal(localInputToIso('yesterday'), null);
    assert.equal(localInputToIso(''), null);
  });
});

describe('live events against a filter', () => {
  it('accepts pushes matching channel and type, never into a list bounded in the past', () => {
    assert.equal(matchesFilter(event({}), EMPTY_FILTER), true);
    assert.equal(matchesFilter(event({ channel_id: 'c2' }), { ...EMPTY_FILTER, channelId: 'c1' }), false);
    assert.equal(matchesFilter(event({ type: 'input.lost' }), { ...EMPTY_FILTER, types: ['output.failed'] }), false);
    assert.equal(matchesFilter(event({}), { ...EMPTY_FILTER, to: '2020-01-01T00:00' }), false);
  });

  it('formats details on one line', () => {
    assert.equal(formatDetails({ reason: 'exited', restarts: 2, extra: { a: 1 } }), 'reason=exited, restarts=2, extra={"a":1}');
    assert.equal(formatDetails(null), '');
  });
});
