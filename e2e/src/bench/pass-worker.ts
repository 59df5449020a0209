// Worker thread that makes the next pass of a LoopedStream ahead of time: rewriting a 10 MB
// pass takes ~10 ms, which on the main thread would stall the paced sender or delay the
// receivers' arrival timestamps right when the stream crosses into the new pass.
import { parentPort, workerData } from 'node:worker_threads';
import { TsLooper } from '../support/media/ts-loop.js';

const { feed, bitrate } = workerData as { feed: Uint8Array; bitrate: number };
const looper = new TsLooper(Buffer.from(feed.buffer, feed.byteOffset, feed.byteLength), bitrate);

parentPort!.on('message', (k: number) => {
  const pass = looper.pass(k);
  // A fresh allocation of this size has an ArrayBuffer of its own: hand it over without copying.
  const bytes = new Uint8Array(pass.buffer, pass.byteOffset, pass.byteLength);
  parentPort!.postMessage({ k, bytes }, pass.byteOffset === 0 && pass.buffer.byteLength === pass.byteLength ? [pass.buffer as ArrayBuffer] : []);
});
