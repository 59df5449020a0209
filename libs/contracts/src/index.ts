export * from './roles.js';
export * from './protocols.js';
export * from './output-url.js';
export * from './api-types.js';
