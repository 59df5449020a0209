// The real-peer media harness for data-plane end-to-end tests and the benchmark (see README.md).
export * from './av-clip.js';
export * from './child-process.js';
export * from './free-port.js';
export * from './garbage-sender.js';
export * from './rtmp-publisher.js';
export * from './rtmp-server.js';
export * from './rtp-sender.js';
export * from './srt-feeder.js';
export * from './srt-live-transmit.js';
export * from './srt-receiver.js';
export * from './test-feed.js';
export * from './ts-compare.js';
export * from './ts-joins.js';
export * from './ts-loop.js';
export * from './ts-timing.js';
export * from './udp-receiver.js';
export * from './wait.js';
