import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasPermission, isRole } from './roles.js';

describe('hasPermission', () => {
  it('lets viewers read and nothing else', () => {
    assert.equal(hasPermission('viewer', 'channel.read'), true);
    assert.equal(hasPermission('viewer', 'channel.control'), false);
    assert.equal(hasPermission('viewer', 'secret.read'), false);
  });
  it('lets operators control and edit outputs but not channels or users', () => {
    assert.equal(hasPermission('operator', 'output.write'), true);
    assert.equal(hasPermission('operator', 'channel.control'), true);
    assert.equal(hasPermission('operator', 'channel.write'), false);
    assert.equal(hasPermission('operator', 'user.write'), false);
  });
  it('gives admins everything and unknown roles nothing', () => {
    assert.equal(hasPermission('admin', 'token.write'), true);
    assert.equal(hasPermission(undefined, 'channel.read'), false);
    assert.equal(isRole('root'), false);
  });
});

describe('MediaLive permissions', () => {
  it('viewers inspect, operators start and stop, admins wire', () => {
    assert.equal(hasPermission('viewer', 'medialive.read'), true);
    assert.equal(hasPermission('viewer', 'medialive.control'), false);
    assert.equal(hasPermission('operator', 'medialive.control'), true);
    assert.equal(hasPermission('operator', 'medialive.write'), false);
    assert.equal(hasPermission('admin', 'medialive.write'), true);
  });
});

describe('media library permissions', () => {
  it('every role lists the library; only admins upload and delete', () => {
    assert.equal(hasPermission('viewer', 'media.read'), true);
    assert.equal(hasPermission('viewer', 'media.write'), false);
    assert.equal(hasPermission('operator', 'media.write'), false);
    assert.equal(hasPermission('admin', 'media.write'), true);
  });
});
