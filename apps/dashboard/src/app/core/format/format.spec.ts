import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatAgo, formatBitrate, formatBytes, formatCount, formatCountdown, formatDuration, formatSince, plural, secondsSince } from './format.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

describe('formatBitrate', () => {
  it('uses the unit operators read', () => {
    assert.equal(formatBitrate(8_000_000), '8.0 Mbit/s');
    assert.equal(formatBitrate(8_049_999), '8.0 Mbit/s');
    assert.equal(formatBitrate(640_400), '640 kbit/s');
    assert.equal(formatBitrate(999), '999 bit/s');
    assert.equal(formatBitrate(0), '0 bit/s');
    assert.equal(formatBitrate(1_250_000_000), '1.25 Gbit/s');
  });

  it('shows a dash for missing or nonsense values', () => {
    assert.equal(formatBitrate(null), '—');
    assert.equal(formatBitrate(undefined), '—');
    assert.equal(formatBitrate(Number.NaN), '—');
    assert.equal(formatBitrate(-5), '—');
  });
});

describe('formatBytes and formatCount', () => {
  it('scales bytes by 1000', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1_500), '1.5 kB');
    assert.equal(formatBytes(250_000_000), '250 MB');
    assert.equal(formatBytes(null), '—');
  });

  it('groups thousands', () => {
    assert.equal(formatCount(1234567), '1 234 567');
    assert.equal(formatCount(12), '12');
  });
});

describe('durations', () => {
  it('keeps two units at most', () => {
    assert.equal(formatDuration(0), '0 s');
    assert.equal(formatDuration(59.9), '59 s');
    assert.equal(formatDuration(65), '1 m 05 s');
    assert.equal(formatDuration(3 * 3600 + 7 * 60 + 30), '3 h 07 m');
    assert.equal(formatDuration(2 * 86400 + 5 * 3600), '2 d 5 h');
    assert.equal(formatDuration(-3), '0 s');
    assert.equal(formatDuration(null), '—');
  });

  it('measures time in state from an ISO timestamp, never negative', () => {
    assert.equal(secondsSince(iso(-90_500), NOW), 90);
    assert.equal(secondsSince(iso(5_000), NOW), 0);
    assert.equal(secondsSince('not a date', NOW), null);
    assert.equal(formatSince(iso(-125_000), NOW), '2 m 05 s');
    assert.equal(formatAgo(iso(-200), NOW), 'just now');
    assert.equal(formatAgo(iso(-12_000), NOW), '12 s ago');
  });
});

describe('formatCountdown (next retry)', () => {
  it('counts down in whole seconds, rounding up', () => {
    assert.equal(formatCountdown(iso(12_000), NOW), 'in 12 s');
    assert.equal(formatCountdown(iso(11_001), NOW), 'in 12 s');
    assert.equal(formatCountdown(iso(1), NOW), 'in 1 s');
    assert.equal(formatCountdown(iso(95_000), NOW), 'in 1 m 35 s');
  });

  it('says "now" once due and nothing when no retry is planned', () => {
    assert.equal(formatCountdown(iso(0), NOW), 'now');
    assert.equal(formatCountdown(iso(-3_000), NOW), 'now');
    assert.equal(formatCountdown(null, NOW), null);
    assert.equal(formatCountdown('garbage', NOW), null);
  });
});

describe('plural', () => {
  it('agrees with the count', () => {
    assert.equal(plural(1, 'output'), '1 output');
    assert.equal(plural(0, 'output'), '0 outputs');
    assert.equal(plural(2, 'entry', 'entries'), '2 entries');
  });
});
