export * from './roles.js';
export * from './protocols.js';
export * from './output-url.js';
export * from './output-secrets.js';
export * from './api-types.js';
export * from './socket-events.js';
export * from './medialive.js';
export * from './media.js';
