import { Module } from '@nestjs/common';
import { NodeRegistry } from './node-registry.service.js';
import { NodesController } from './nodes.controller.js';

/** This process as a node of a cluster sharing one PostgreSQL, and the other nodes as the database sees them. */
@Module({
  controllers: [NodesController],
  providers: [NodeRegistry],
  exports: [NodeRegistry],
})
export class NodesModule {}
