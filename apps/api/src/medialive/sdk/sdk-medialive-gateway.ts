import {
  CreateInputCommand,
  CreateInputSecurityGroupCommand,
  DescribeChannelCommand,
  ListAlertsCommand,
  ListChannelsCommand,
  MediaLiveClient,
  MediaLiveServiceException,
  StartChannelCommand,
  StopChannelCommand,
  UnprocessableEntityException,
  UpdateChannelCommand,
  type CreateInputRequest,
} from '@aws-sdk/client-medialive';
import type { MediaLiveConfig } from '../../config/app-config.js';
import { MediaLiveError, type MediaLiveGateway, type MlAlert, type MlChannel, type MlChannelEdit, type MlChannelPage, type MlInput, type MlInputRequest } from '../medialive.model.js';
import { applyEdit, toMlChannel, toMlInput } from './sdk-mapping.js';

/**
 * MediaLiveGateway over the official SDK. Region and endpoint come from our config; credentials
 * from the SDK's default chain (we never handle keys). The SDK retries throttling with its
 * standard backoff; what still fails after `maxAttempts` reaches us as TooManyRequestsException.
 */
export class SdkMediaLiveGateway implements MediaLiveGateway {
  private readonly client: MediaLiveClient;

  constructor(config: MediaLiveConfig & { region: string }) {
    this.client = new MediaLiveClient({ region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}), maxAttempts: 3 });
  }

  async checkCredentials(): Promise<void> {
    try {
      const credentials = await this.client.config.credentials();
      if (!credentials.accessKeyId) throw new Error('empty access key');
    } catch (error) {
      throw new MediaLiveError('credentials', `no AWS credentials found by the standard chain (environment, profile, container or instance role): ${(error as Error).message}`);
    }
  }

  async listChannels(nextToken?: string): Promise<MlChannelPage> {
    const page = await this.call(() => this.client.send(new ListChannelsCommand({ NextToken: nextToken, MaxResults: 20 })));
    return { channels: (page.Channels ?? []).map(toMlChannel), nextToken: page.NextToken || undefined };
  }

  async describeChannel(id: string): Promise<MlChannel> {
    return toMlChannel(await this.call(() => this.client.send(new DescribeChannelCommand({ ChannelId: id }))));
  }

  async startChannel(id: string): Promise<string> {
    return (await this.call(() => this.client.send(new StartChannelCommand({ ChannelId: id })))).State ?? 'STARTING';
  }

  async stopChannel(id: string): Promise<string> {
    return (await this.call(() => this.client.send(new StopChannelCommand({ ChannelId: id })))).State ?? 'STOPPING';
  }

  async updateChannel(id: string, edit: MlChannelEdit): Promise<MlChannel> {
    const current = await this.call(() => this.client.send(new DescribeChannelCommand({ ChannelId: id })));
    const fields = applyEdit(current, edit);
    const updated = await this.call(() => this.client.send(new UpdateChannelCommand({ ChannelId: id, ...fields })));
    return toMlChannel(updated.Channel ?? {});
  }

  async createInputSecurityGroup(cidrs: string[]): Promise<string> {
    const created = await this.call(() => this.client.send(new CreateInputSecurityGroupCommand({ WhitelistRules: cidrs.map((Cidr) => ({ Cidr })) })));
    return created.SecurityGroup?.Id ?? '';
  }

  async createInput(request: MlInputRequest): Promise<MlInput> {
    const input: CreateInputRequest = { Name: request.name, Type: request.type, ...(request.securityGroupId ? { InputSecurityGroups: [request.securityGroupId] } : {}) };
    if (request.type === 'RTMP_PUSH') input.Destinations = (request.streamNames ?? []).map((StreamName) => ({ StreamName }));
    if (request.type === 'SRT_CALLER' && request.srtListener) {
      input.SrtSettings = {
        SrtCallerSources: [{ SrtListenerAddress: request.srtListener.address, SrtListenerPort: String(request.srtListener.port), ...(request.srtListener.streamId ? { StreamId: request.srtListener.streamId } : {}) }],
      };
    }
    const created = await this.call(() => this.client.send(new CreateInputCommand(input)));
    return toMlInput(created.Input ?? {});
  }

  async listAlerts(id: string): Promise<MlAlert[]> {
    const page = await this.call(() => this.client.send(new ListAlertsCommand({ ChannelId: id, StateFilter: 'SET' })));
    return (page.Alerts ?? []).map((a) => ({ id: a.Id ?? '', type: a.AlertType ?? '', message: a.Message ?? '', pipeline: a.PipelineId ?? '', state: a.State ?? '', setAt: a.SetTimestamp ?? null }));
  }

  /** Runs one SDK call and translates its failures into MediaLiveError kinds. */
  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw translate(error);
    }
  }
}

export function translate(error: unknown): MediaLiveError {
  if (error instanceof MediaLiveError) return error;
  if (error instanceof UnprocessableEntityException) {
    const problems = (error.ValidationErrors ?? []).map((v) => ({ path: v.ElementPath ?? '', message: v.ErrorMessage ?? '' }));
    return new MediaLiveError('invalid', `MediaLive refused the request: ${error.message}`, problems);
  }
  if (error instanceof MediaLiveServiceException) {
    const message = `MediaLive: ${error.name}: ${error.message}`;
    switch (error.name) {
      case 'TooManyRequestsException':
        return new MediaLiveError('throttled', message);
      case 'NotFoundException':
        return new MediaLiveError('not_found', message);
      case 'ConflictException':
        return new MediaLiveError('conflict', message);
      case 'BadRequestException':
        return new MediaLiveError('invalid', message);
      case 'ForbiddenException':
        return new MediaLiveError('forbidden', message);
      default:
        return new MediaLiveError('unavailable', message);
    }
  }
  const name = (error as { name?: string })?.name ?? '';
  if (name === 'CredentialsProviderError') return new MediaLiveError('credentials', `no AWS credentials: ${(error as Error).message}`);
  if (name === 'ThrottlingException') return new MediaLiveError('throttled', `MediaLive: ${(error as Error).message}`);
  return new MediaLiveError('unavailable', `MediaLive cannot be reached: ${(error as Error)?.message ?? String(error)}`);
}
