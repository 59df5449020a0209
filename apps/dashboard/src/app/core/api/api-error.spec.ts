import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorResponse } from '@mld/contracts';
import { describeApiError, describeHttpFailure, MESSAGES } from './api-error.js';

const validation: ErrorResponse = {
  status_code: 400,
  error: 'Bad Request',
  code: 'VALIDATION_FAILED',
  message: 'Validation failed',
  errors: [
    { field: 'port', message: 'port must be between 1 and 65535' },
    { field: 'bind_ip', message: 'bind_ip must be an IPv4 address' },
    { field: 'port', message: 'port is already used by channel "News"' },
  ],
};

describe('describeApiError', () => {
  it('gives login its own wording for 401 and 429', () => {
    assert.equal(describeApiError(401, null, 'login').message, 'Wrong username or password');
    assert.equal(describeApiError(429, null, 'login').message, 'Too many attempts, wait a minute');
    assert.equal(describeApiError(401, null).message, MESSAGES.sessionExpired);
    assert.equal(describeApiError(429, null).message, MESSAGES.tooManyRequests);
  });

  it('maps field problems by field name, joining repeated fields', () => {
    const p = describeApiError(400, validation);
    assert.equal(p.code, 'VALIDATION_FAILED');
    assert.equal(p.message, 'Validation failed');
    assert.deepEqual(p.fieldErrors, {
      port: 'port must be between 1 and 65535; port is already used by channel "News"',
      bind_ip: 'bind_ip must be an IPv4 address',
    });
  });

  it('tolerates Nest default bodies and bodies without a message', () => {
    assert.equal(describeApiError(400, { statusCode: 400, message: ['a must be x', 'b must be y'] }).message, 'a must be x; b must be y');
    assert.equal(describeApiError(400, null).message, 'Request rejected (HTTP 400)');
    assert.equal(describeApiError(404, { message: 'Channel 42 not found', code: 'CHANNEL_NOT_FOUND' }).message, 'Channel 42 not found');
    assert.equal(describeApiError(409, 'text').message, 'Request failed (HTTP 409)');
  });

  it('does not show server internals for 5xx', () => {
    const p = describeApiError(500, { message: 'QueryFailedError: relation "x" does not exist', code: 'INTERNAL' });
    assert.equal(p.message, 'The server had a problem (HTTP 500). Try again shortly.');
  });

  it('explains status 0 as a connection problem and 403 as a role problem', () => {
    assert.equal(describeApiError(0, null).message, MESSAGES.offline);
    assert.equal(describeApiError(403, { message: 'Forbidden resource', code: 'FORBIDDEN' }).message, MESSAGES.forbidden);
  });
});

describe('describeHttpFailure', () => {
  it('reads status and body from an HttpErrorResponse-like object, parsing text bodies', () => {
    assert.deepEqual(describeHttpFailure({ status: 400, error: JSON.stringify(validation) }).fieldErrors['bind_ip'], 'bind_ip must be an IPv4 address');
    assert.equal(describeHttpFailure({ status: 401, error: null }, 'login').message, 'Wrong username or password');
  });

  it('handles thrown non-HTTP values', () => {
    assert.equal(describeHttpFailure(new TypeError('boom')).message, 'Unexpected error in the dashboard');
  });
});
