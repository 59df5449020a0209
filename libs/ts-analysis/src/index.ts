export * from './rate-window.js';
export * from './scte35-cue.js';
export * from './stream-types.js';
export * from './ts-analyzer.js';
export * from './types.js';
