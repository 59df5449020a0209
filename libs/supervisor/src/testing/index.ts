export * from './fake-clock.js';
export * from './fake-spawner.js';
