import { MASK, maskOutputUrl, outputSecrets } from '@mld/contracts';
import type { OutputConfig } from '../types.js';

/**
 * Replaces every secret of an output (the URL as written, SRT passphrase and stream id, RTMP
 * stream key) wherever it appears: argv shown in snapshots, tool stderr, error messages. What
 * counts as secret is the contracts' rule (outputSecrets), the same the API masks with.
 */
export function outputRedactor(config: OutputConfig): (text: string) => string {
  const pairs: Array<[string, string]> = [[config.url, maskOutputUrl(config.protocol, config.url)]];
  for (const secret of outputSecrets(config)) pairs.push([secret, MASK]);
  pairs.sort((a, b) => b[0].length - a[0].length);
  return (text) => {
    let out = text;
    // Shorter values would also hide innocent text (and cannot be told from it).
    for (const [secret, mask] of pairs) if (secret.length >= 3) out = out.split(secret).join(mask);
    return out;
  };
}
