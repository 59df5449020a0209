import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Wire } from './wire-fixtures.js';

/**
 * A wire-level stand-in for AWS MediaLive (restJson1 under /prod/), for tests only: the real SDK
 * talks to it through AWS_ENDPOINT_URL_MEDIALIVE. It refuses unsigned requests, pages with
 * nextToken, moves channels IDLE → STARTING → RUNNING and RUNNING → STOPPING → IDLE over time,
 * answers 422 with validationErrors and 429 when told to throttle.
 */
export interface FakeMediaLiveOptions {
  /** Channels per ListChannels page (small, to exercise paging). */
  pageSize?: number;
  startMs?: number;
  stopMs?: number;
}

export interface FakeRequest {
  method: string;
  path: string;
  authorization: string;
  body: Wire | undefined;
}

export class FakeMediaLive {
  readonly channels = new Map<string, Wire>();
  readonly inputs: Wire[] = [];
  readonly securityGroups: Wire[] = [];
  readonly requests: FakeRequest[] = [];
  readonly alerts = new Map<string, Wire[]>();
  /** Channels whose next start fails (STARTING → IDLE) with this alert message. */
  readonly failStart = new Map<string, string>();
  private throttleCount = 0;
  private server: Server | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private ids = 1000;

  constructor(private readonly options: FakeMediaLiveOptions = {}) {}

  add(channel: Wire): void {
    this.channels.set(String(channel['id']), structuredClone(channel));
  }

  /** The next `count` requests get 429 TooManyRequestsException. */
  throttle(count: number): void {
    this.throttleCount = count;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.timers.forEach(clearTimeout);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const authorization = req.headers.authorization ?? '';
    let body: Wire | undefined;
    try {
      body = text ? (JSON.parse(text) as Wire) : undefined;
    } catch {
      return error(res, 400, 'BadRequestException', 'body is not JSON');
    }
    this.requests.push({ method: req.method ?? '', path: url.pathname, authorization, body });
    // SigV4 for the service "medialive": no signature, no answer.
    if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/medialive\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.test(authorization)) {
      return error(res, 403, 'ForbiddenException', 'Missing Authentication Token');
    }
    if (this.throttleCount > 0) {
      this.throttleCount--;
      return error(res, 429, 'TooManyRequestsException', 'Too many requests');
    }
    this.route(req.method ?? 'GET', url, body, res);
  }

  private route(method: string, url: URL, body: Wire | undefined, res: ServerResponse): void {
    const path = url.pathname;
    if (method === 'GET' && path === '/prod/channels') return this.list(url, res);
    if (method === 'POST' && path === '/prod/inputSecurityGroups') return this.createSecurityGroup(body ?? {}, res);
    if (method === 'POST' && path === '/prod/inputs') return this.createInput(body ?? {}, res);
    const match = /^\/prod\/channels\/([^/]+)(?:\/(start|stop|alerts))?$/.exec(path);
    if (!match) return error(res, 404, 'NotFoundException', `no route ${method} ${path}`);
    const channel = this.channels.get(decodeURIComponent(match[1]!));
    if (!channel) return error(res, 404, 'NotFoundException', `Channel ${match[1]} not found`);
    const action = match[2];
    if (method === 'GET' && !action) return json(res, 200, channel);
    if (method === 'GET' && action === 'alerts') return json(res, 200, { alerts: this.alerts.get(String(channel['id'])) ?? [] });
    if (method === 'POST' && action === 'start') return this.startChannel(channel, res);
    if (method === 'POST' && action === 'stop') return this.stopChannel(channel, res);
    if (method === 'PUT' && !action) return this.update(channel, body ?? {}, res);
    return error(res, 405, 'BadRequestException', `${method} not allowed on ${path}`);
  }

  private list(url: URL, res: ServerResponse): void {
    const all = [...this.channels.values()];
    const size = Math.min(Number(url.searchParams.get('maxResults') ?? 1000), this.options.pageSize ?? 1000);
    const from = Number(url.searchParams.get('nextToken') ?? 0);
    // A summary: everything but encoderSettings (as ListChannels answers).
    const page = all.slice(from, from + size).map(({ encoderSettings: _omit, ...summary }) => summary);
    const next = from + size < all.length ? String(from + size) : undefined;
    json(res, 200, { channels: page, ...(next ? { nextToken: next } : {}) });
  }

  private startChannel(channel: Wire, res: ServerResponse): void {
    if (channel['state'] !== 'IDLE') return error(res, 409, 'ConflictException', `Channel is in ${String(channel['state'])} state, cannot start`);
    channel['state'] = 'STARTING';
    const id = String(channel['id']);
    this.later(this.options.startMs ?? 300, () => {
      const failure = this.failStart.get(id);
      if (failure) {
        this.failStart.delete(id);
        channel['state'] = 'IDLE';
        this.alerts.set(id, [{ alertType: 'Failed to Create Output', id: `alert-${id}`, message: failure, pipelineId: '0', setTimestamp: new Date().toISOString(), state: 'SET' }]);
        return;
      }
      channel['state'] = 'RUNNING';
      channel['pipelinesRunningCount'] = channel['channelClass'] === 'SINGLE_PIPELINE' ? 1 : 2;
    });
    json(res, 200, channel);
  }

  private stopChannel(channel: Wire, res: ServerResponse): void {
    if (channel['state'] !== 'RUNNING' && channel['state'] !== 'STARTING') return error(res, 409, 'ConflictException', `Channel is in ${String(channel['state'])} state, cannot stop`);
    channel['state'] = 'STOPPING';
    this.later(this.options.stopMs ?? 300, () => {
      channel['state'] = 'IDLE';
      channel['pipelinesRunningCount'] = 0;
    });
    json(res, 200, channel);
  }

  private update(channel: Wire, body: Wire, res: ServerResponse): void {
    if (channel['state'] !== 'IDLE') return error(res, 409, 'ConflictException', `Channel is in ${String(channel['state'])} state; it must be IDLE to be updated`);
    const problems: Wire[] = [];
    const destinations = body['destinations'] as Array<{ id: string; settings?: Array<{ url?: string }> }> | undefined;
    destinations?.forEach((d, i) =>
      d.settings?.forEach((s, j) => {
        if (s.url !== undefined && s.url !== '' && !/^[a-z0-9]+:\/\/\S+$/.test(s.url)) problems.push({ elementPath: `destinations[${i}].settings[${j}].url`, errorMessage: 'Invalid URL' });
      }),
    );
    if (problems.length > 0) return json(res, 422, { message: 'Failed to update channel: invalid settings', validationErrors: problems }, 'UnprocessableEntityException');
    for (const key of ['destinations', 'encoderSettings', 'name', 'inputAttachments'] as const) if (body[key] !== undefined) channel[key] = body[key];
    json(res, 200, { channel });
  }

  private createSecurityGroup(body: Wire, res: ServerResponse): void {
    const rules = (body['whitelistRules'] as Array<{ cidr?: string }> | undefined) ?? [];
    const bad = rules.map((r, i) => ({ r, i })).filter(({ r }) => !/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(r.cidr ?? ''));
    if (bad.length > 0) return json(res, 422, { message: 'invalid CIDR', validationErrors: bad.map(({ i }) => ({ elementPath: `whitelistRules[${i}].cidr`, errorMessage: 'Invalid CIDR' })) }, 'UnprocessableEntityException');
    const id = String(this.ids++);
    const group = { id, arn: `arn:aws:medialive:eu-west-1:123456789012:inputSecurityGroup:${id}`, whitelistRules: rules, state: 'IDLE', inputs: [] };
    this.securityGroups.push(group);
    json(res, 200, { securityGroup: group });
  }

  private createInput(body: Wire, res: ServerResponse): void {
    const type = String(body['type'] ?? '');
    const groups = (body['inputSecurityGroups'] as string[] | undefined) ?? [];
    if ((type === 'RTP_PUSH' || type === 'RTMP_PUSH') && groups.length === 0) {
      return json(res, 422, { message: 'Push inputs need an input security group', validationErrors: [{ elementPath: 'inputSecurityGroups', errorMessage: 'required for push inputs' }] }, 'UnprocessableEntityException');
    }
    const id = String(this.ids++);
    let destinations: Wire[] = [];
    if (type === 'RTP_PUSH') destinations = ['203.0.113.10', '203.0.113.11'].map((ip) => ({ ip, port: '5000', url: `rtp://${ip}:5000` }));
    if (type === 'RTMP_PUSH') destinations = ((body['destinations'] as Array<{ streamName: string }> | undefined) ?? []).map((d, i) => ({ ip: `203.0.113.${20 + i}`, port: '1935', url: `rtmp://203.0.113.${20 + i}:1935/${d.streamName}` }));
    const input = { id, arn: `arn:aws:medialive:eu-west-1:123456789012:input:${id}`, name: body['name'], type, state: 'DETACHED', securityGroups: groups, destinations, attachedChannels: [], inputClass: 'STANDARD', ...(body['srtSettings'] ? { srtSettings: body['srtSettings'] } : {}) };
    this.inputs.push(input);
    json(res, 201, { input });
  }
}

function json(res: ServerResponse, status: number, payload: unknown, errorType?: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': `req-${Math.random().toString(16).slice(2)}` };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers).end(JSON.stringify(payload));
}

function error(res: ServerResponse, status: number, type: string, message: string): void {
  json(res, status, { message, __type: type }, type);
}
