import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeApiError } from './api-error.js';
import { CHANNEL_FIELD_ALIASES, placeFieldErrors } from './field-errors.js';

const CHANNEL_FIELDS = ['name', 'description', 'input_type', 'bind_ip', 'port', 'source_ip', 'interface_ip'] as const;

describe('placeFieldErrors', () => {
  it('puts the API’s field messages next to the matching controls', () => {
    const problem = describeApiError(400, {
      status_code: 400,
      error: 'Bad Request',
      code: 'VALIDATION_FAILED',
      message: 'port must not be greater than 65535',
      errors: [{ field: 'port', message: 'port must not be greater than 65535' }],
    });
    assert.deepEqual(placeFieldErrors(problem.fieldErrors, CHANNEL_FIELDS, CHANNEL_FIELD_ALIASES), {
      byField: { port: 'port must not be greater than 65535' },
      unplaced: [],
    });
  });

  it('maps the seed aliases rtp_ip and rtp_port onto bind_ip and port', () => {
    const placed = placeFieldErrors({ rtp_ip: 'rtp_ip must be an IPv4 address', rtp_port: 'too big', port: 'port clash' }, CHANNEL_FIELDS, CHANNEL_FIELD_ALIASES);
    assert.deepEqual(placed.byField, { bind_ip: 'rtp_ip must be an IPv4 address', port: 'too big; port clash' });
  });

  it('returns what has no control so the form can show it above the fields', () => {
    const placed = placeFieldErrors({ name: 'taken', colour: 'colour is not a known field' }, CHANNEL_FIELDS);
    assert.deepEqual(placed, { byField: { name: 'taken' }, unplaced: ['colour is not a known field'] });
  });

  it('places nested names on their top-level field', () => {
    assert.deepEqual(placeFieldErrors({ 'options.latency': 'too high' }, ['options'] as const).byField, { options: 'too high' });
  });
});
