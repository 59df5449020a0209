import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppLogger } from './app-logger.js';

function capture(run: () => void): string {
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const grab = (chunk: string | Uint8Array) => (chunks.push(String(chunk)), true);
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  try {
    run();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return chunks.join('');
}

describe('AppLogger', () => {
  it('writes user-written text escaped at every level: no raw ESC reaches the log', () => {
    const logger = new AppLogger(['error', 'warn', 'log', 'debug', 'verbose']);
    const text = capture(() => {
      logger.log('channel "red\u001b[31m" started', 'Pipelines');
      logger.warn('bell\u0007', 'Pipelines');
      logger.error('nul\u0000', 'stack\u001b', 'Pipelines');
      logger.debug('c1\u009b', 'Pipelines');
    });
    assert.ok(!/[\u0000\u0007\u001b\u009b]/.test(text.replace(/\u001b\[[0-9;]*m/g, '')), JSON.stringify(text));
    assert.ok(text.includes('red\\x1b[31m'), JSON.stringify(text));
    assert.ok(text.includes('bell\\x07'));
  });
});
