// Waiting for a stream to finish arriving: receivers cannot know the sender is done, so tests
// wait until the byte count stops growing instead of sleeping a guessed time.

/** Resolves with the final count once `count()` has not changed for `quietMs` (bounded by `timeoutMs`). */
export async function waitForQuiet(count: () => number, quietMs = 300, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = count();
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    const now = count();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return now;
    }
  }
  throw new Error(`still receiving after ${timeoutMs} ms (${last} bytes)`);
}
