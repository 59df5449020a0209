import { MASK, maskOutputUrl } from '@mld/contracts';
import type { OutputConfig } from '../types.js';

/**
 * Replaces every secret of an output (the URL as written, SRT passphrase and stream id, RTMP
 * stream key) wherever it appears: argv shown in snapshots, tool stderr, error messages.
 */
export function outputRedactor(config: OutputConfig): (text: string) => string {
  const pairs: Array<[string, string]> = [[config.url, maskOutputUrl(config.protocol, config.url)]];
  for (const name of ['passphrase', 'streamid']) {
    const value = config.options[name];
    if (typeof value === 'string' && value.length > 0) pairs.push([value, MASK], [encodeURIComponent(value), MASK]);
  }
  if (config.protocol === 'rtmp' || config.protocol === 'rtmps') {
    const key = config.path.split('/').slice(2).join('/');
    if (key.length > 0) pairs.push([key, MASK]);
  }
  pairs.sort((a, b) => b[0].length - a[0].length);
  return (text) => {
    let out = text;
    for (const [secret, mask] of pairs) if (secret.length >= 3) out = out.split(secret).join(mask);
    return out;
  };
}
