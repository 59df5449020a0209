import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allowedTransitions, canTransition, isProcessState, PROCESS_STATES, type ProcessState } from './state.js';

describe('canTransition', () => {
  it('allows the lifecycle edges', () => {
    const edges: [ProcessState, ProcessState][] = [
      ['stopped', 'starting'],
      ['starting', 'running'],
      ['starting', 'backoff'],
      ['running', 'backoff'],
      ['backoff', 'starting'],
      ['running', 'failed'],
      ['starting', 'failed'],
      ['failed', 'starting'],
      ['running', 'stopping'],
      ['starting', 'stopping'],
      ['stopping', 'stopped'],
      ['backoff', 'stopped'],
      ['failed', 'stopped'],
    ];
    for (const [from, to] of edges) assert.equal(canTransition(from, to), true, `${from} -> ${to}`);
  });

  it('forbids shortcuts that would skip the child or the stop', () => {
    const edges: [ProcessState, ProcessState][] = [
      ['stopped', 'running'],
      ['stopped', 'stopping'],
      ['stopped', 'backoff'],
      ['running', 'stopped'],
      ['running', 'starting'],
      ['starting', 'stopped'],
      ['backoff', 'running'],
      ['backoff', 'stopping'],
      ['failed', 'running'],
      ['stopping', 'starting'],
      ['stopping', 'running'],
      ['stopping', 'backoff'],
    ];
    for (const [from, to] of edges) assert.equal(canTransition(from, to), false, `${from} -> ${to}`);
  });

  it('never allows a state to transition to itself and reaches every state', () => {
    const reachable = new Set<ProcessState>();
    for (const from of PROCESS_STATES) {
      assert.equal(canTransition(from, from), false, from);
      for (const to of allowedTransitions(from)) reachable.add(to);
    }
    assert.deepEqual([...reachable].sort(), [...PROCESS_STATES].sort());
  });

  it('recognises state names', () => {
    assert.equal(isProcessState('backoff'), true);
    assert.equal(isProcessState('crashed'), false);
    assert.equal(isProcessState(3), false);
  });
});
