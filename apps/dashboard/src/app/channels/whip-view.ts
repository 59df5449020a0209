/** What the "Go live" page shows of a WHIP publication, without the browser's APIs (unit-tested). */

/** The API's error body ({message}) in words for the page. */
export function errorMessage(status: number, body: string): string {
  let message = body;
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON: the text as it came
  }
  const prefix: Record<number, string> = { 401: 'The token was refused', 409: 'Another publisher is live on this channel', 503: 'The channel is not running' };
  return `${prefix[status] ?? `Refused (${status})`}: ${message.slice(0, 300)}`;
}

/** Bits per second sent between two outbound-rtp samples of getStats(). */
export function sentBitrate(previous: { bytes: number; at: number } | null, bytes: number, at: number): number {
  if (!previous || at <= previous.at || bytes < previous.bytes) return 0;
  return Math.round(((bytes - previous.bytes) * 8 * 1000) / (at - previous.at));
}
