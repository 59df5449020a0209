// Properties of the destination URL parser and masker over generated input (fast-check):
// arbitrary text never makes them throw, masking is idempotent and never lets a secret through,
// and a parsed destination written back parses to the same value.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OUTPUT_PROTOCOLS, type OutputProtocol } from './protocols.js';
import { maskOutputOptions, maskOutputUrl, outputSecrets, splitRtmpUrl } from './output-secrets.js';
import { formatOutputUrl, parseOutputUrl, type OutputOptions } from './output-url.js';

const RUNS = { numRuns: 2000 };
const protocol = fc.constantFrom<OutputProtocol>(...OUTPUT_PROTOCOLS);
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.webUrl(), fc.string({ unit: 'grapheme-ascii', maxLength: 120 }));
const anyOptions = fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer(), fc.boolean(), fc.double()), { maxKeys: 5 });

/** Secrets carry a marker no host, port or option name can contain, so "never shown" is a substring check. */
const secret = (min: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9_.~-]{${min},30}$`)).map((s) => `ZQX${s}`);
const host = fc.oneof(fc.ipV4(), fc.domain(), fc.ipV6().map((a) => `[${a}]`));
const port = fc.integer({ min: 1, max: 65535 });

interface Generated {
  protocol: OutputProtocol;
  url: string;
  options: OutputOptions;
  secrets: string[];
}

const rtmpOutput: fc.Arbitrary<Generated> = fc
  .record({
    scheme: fc.constantFrom<'rtmp' | 'rtmps'>('rtmp', 'rtmps'),
    host,
    port: fc.option(port, { nil: undefined }),
    app: fc.option(fc.stringMatching(/^[a-z0-9]{1,8}$/), { nil: undefined }),
    instance: fc.option(fc.stringMatching(/^[a-z0-9]{1,8}$/), { nil: undefined }),
    key: secret(1),
    token: fc.option(secret(1), { nil: undefined }),
  })
  .map(({ scheme, host, port, app, instance, key, token }) => {
    const path = [app, app === undefined ? undefined : instance, key].filter((s) => s !== undefined).join('/');
    const url = `${scheme}://${host}${port === undefined ? '' : `:${port}`}/${path}${token === undefined ? '' : `?token=${token}`}`;
    return { protocol: scheme, url, options: {}, secrets: [key, ...(token === undefined ? [] : [token])] };
  });

const srtOutput: fc.Arbitrary<Generated> = fc
  .record({
    host,
    port,
    passphrase: fc.option(secret(10), { nil: undefined }),
    streamid: fc.option(secret(1), { nil: undefined }),
    inQuery: fc.boolean(),
    latency: fc.option(fc.integer({ min: 0, max: 60000 }), { nil: undefined }),
  })
  .map(({ host, port, passphrase, streamid, inQuery, latency }) => {
    const values: OutputOptions = {};
    if (passphrase !== undefined) values['passphrase'] = passphrase;
    if (streamid !== undefined) values['streamid'] = streamid;
    if (latency !== undefined) values['latency'] = latency;
    const query = Object.entries(values).map(([k, v]) => `${k}=${v}`).join('&');
    const url = `srt://${host}:${port}${inQuery && query ? `?${query}` : ''}`;
    return { protocol: 'srt' as const, url, options: inQuery ? {} : values, secrets: [passphrase, streamid].filter((s): s is string => s !== undefined) };
  });

const udpOutput: fc.Arbitrary<Generated> = fc
  .record({ scheme: fc.constantFrom<'udp' | 'rtp'>('udp', 'rtp'), host, port, ttl: fc.option(fc.integer({ min: 1, max: 255 }), { nil: undefined }) })
  .map(({ scheme, host, port, ttl }) => ({ protocol: scheme, url: `${scheme}://${host}:${port}${ttl === undefined ? '' : `?ttl=${ttl}`}`, options: {}, secrets: [] }));

const validOutput = fc.oneof(rtmpOutput, srtOutput, udpOutput);

describe('output URL properties', () => {
  it('never throw on arbitrary text and options', () => {
    fc.assert(
      fc.property(protocol, anyText, anyOptions, (p, url, options) => {
        const parsed = parseOutputUrl(p, url, options as OutputOptions);
        if (!parsed.ok) assert.ok(parsed.problems.length > 0 && parsed.problems.every((x) => ['url', 'options', 'protocol'].includes(x.field)));
        maskOutputUrl(p, url);
        maskOutputOptions(options as OutputOptions);
        splitRtmpUrl(url);
        outputSecrets({ protocol: p, url, options });
      }),
      RUNS,
    );
  });

  it('masking is idempotent', () => {
    fc.assert(
      fc.property(protocol, fc.oneof(anyText, validOutput.map((o) => o.url)), (p, url) => {
        const once = maskOutputUrl(p, url);
        assert.equal(maskOutputUrl(p, once), once);
      }),
      RUNS,
    );
  });

  it('a masked destination never contains a stream key, passphrase or stream id of the original', () => {
    fc.assert(
      fc.property(validOutput, (o) => {
        assert.ok(parseOutputUrl(o.protocol, o.url, o.options).ok, o.url);
        const shown = maskOutputUrl(o.protocol, o.url) + JSON.stringify(maskOutputOptions(o.options));
        for (const s of o.secrets) assert.ok(!shown.includes(s), `${s} in ${shown}`);
        // The redactor's list holds each secret too.
        const listed = outputSecrets(o);
        for (const s of o.secrets) assert.ok(listed.includes(s), `${s} not listed for ${o.url}`);
      }),
      RUNS,
    );
  });

  it('parse → format → parse gives the same destination', () => {
    fc.assert(
      fc.property(validOutput, (o) => {
        const first = parseOutputUrl(o.protocol, o.url, o.options);
        assert.ok(first.ok, o.url);
        const again = parseOutputUrl(o.protocol, formatOutputUrl(first.value));
        assert.ok(again.ok, formatOutputUrl(first.value));
        assert.deepEqual(again.value, first.value);
      }),
      RUNS,
    );
  });
});
