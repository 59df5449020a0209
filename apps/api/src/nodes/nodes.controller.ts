import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { NodeLoad, NodeResponse } from '@mld/contracts';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { NodeRegistry } from './node-registry.service.js';

class NodeLoadDto implements NodeLoad {
  @ApiProperty({ description: 'Channels running on the node' }) channels!: number;
  @ApiProperty() outputs_running!: number;
  @ApiProperty() bitrate_in_bps!: number;
  @ApiProperty() bitrate_out_bps!: number;
  @ApiProperty({ description: 'The service process, % of one core since the previous heartbeat (its FFmpeg/srt-live-transmit children not included)' }) cpu_percent!: number;
  @ApiProperty({ description: "The machine's 1-minute load average" }) load_average_1m!: number;
}

class NodeResponseDto implements NodeResponse {
  @ApiProperty({ example: 'edge-a', description: 'NODE_ID: stable across restarts' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['up', 'down', 'stopped'], description: 'up: a heartbeat within NODE_DOWN_AFTER_MS; down: none since (killed, frozen, cut off from the database); stopped: shut down cleanly' })
  state!: NodeResponse['state'];
  @ApiProperty({ description: 'The node that answered this request' }) self!: boolean;
  @ApiProperty({ type: [String], description: 'NODE_ADDRESSES: the IPv4 addresses it advertises' }) addresses!: string[];
  @ApiProperty() version!: string;
  @ApiProperty() node_version!: string;
  @ApiProperty({ format: 'date-time' }) started_at!: string;
  @ApiProperty({ format: 'date-time' }) heartbeat_at!: string;
  @ApiProperty({ description: "Since the last heartbeat, by the database's clock" }) heartbeat_age_ms!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) stopped_at!: string | null;
  @ApiProperty({ description: 'Hands its channels to other nodes one by one and takes no new ones; kept across restarts until undrained' }) draining!: boolean;
  @ApiProperty({ type: NodeLoadDto }) load!: NodeLoadDto;
}

@ApiTags('nodes')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('nodes')
export class NodesController {
  constructor(private readonly nodes: NodeRegistry) {}

  @Get()
  @RequirePermission('system.read')
  @ApiOperation({ summary: 'Every node sharing this database, with its health and load', description: 'A node that stops heart-beating shows `down` within NODE_DOWN_AFTER_MS (5 s by default). docs/multi-node.md.' })
  @ApiResponse({ status: 200, type: [NodeResponseDto] })
  list(): Promise<NodeResponse[]> {
    return this.nodes.list();
  }

  @Get(':id')
  @RequirePermission('system.read')
  @ApiOperation({ summary: 'One node' })
  @ApiResponse({ status: 200, type: NodeResponseDto })
  @ApiErrors(404)
  get(@Param('id') id: string): Promise<NodeResponse> {
    return this.nodes.get(id);
  }

  @Post(':id/drain')
  @HttpCode(200)
  @RequirePermission('system.write')
  @ApiOperation({
    summary: 'Drain a node: its channels move to other nodes, one by one',
    description: 'Each move: the node stops the channel and releases its lease, the least-loaded eligible node starts it (a gap of about one reconcile, reported in the event log as the new owner starts). The node takes no new channels until DELETE …/drain. For updates: drain, wait until it runs no channel, restart, undrain.',
  })
  @ApiResponse({ status: 200, type: NodeResponseDto })
  @ApiErrors(404, 409)
  drain(@Param('id') id: string): Promise<NodeResponse> {
    return this.nodes.setDraining(id, true);
  }

  @Delete(':id/drain')
  @HttpCode(200)
  @RequirePermission('system.write')
  @ApiOperation({ summary: 'End a drain: the node takes channels again (none moves back by itself)' })
  @ApiResponse({ status: 200, type: NodeResponseDto })
  @ApiErrors(404)
  undrain(@Param('id') id: string): Promise<NodeResponse> {
    return this.nodes.setDraining(id, false);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('system.write')
  @ApiOperation({ summary: 'Forget a node that is gone for good', description: 'Refused (409) while it is up: it would register again at its next heartbeat.' })
  @ApiResponse({ status: 204 })
  @ApiErrors(404, 409)
  async remove(@Param('id') id: string): Promise<void> {
    await this.nodes.remove(id);
  }
}
