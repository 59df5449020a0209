import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runTool } from './tool-run.js';

describe('runTool', () => {
  it('returns status and output, with stdin given as input', () => {
    const r = runTool({ command: 'cat', args: [], input: 'hello\n', timeoutMs: 5000 });
    assert.deepEqual([r.status, r.stdout, r.error], [0, 'hello\n', null]);
  });

  it('kills a tool that outlives its timeout and says so', () => {
    const started = Date.now();
    const r = runTool({ command: 'sleep', args: ['10'], timeoutMs: 200 });
    assert.equal(r.status, null);
    assert.equal(r.signal, 'SIGKILL');
    assert.match(r.error ?? '', /timed out after 0 s/);
    assert.ok(Date.now() - started < 5000);
  });

  it('a missing tool is an error, not a throw', () => {
    const r = runTool({ command: '/nonexistent/tool', args: [], timeoutMs: 1000 });
    assert.equal(r.status, null);
    assert.match(r.error ?? '', /ENOENT/);
  });
});
