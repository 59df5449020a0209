import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ErrorFieldProblem, ErrorResponse } from '@mld/contracts';

export class ErrorFieldProblemDto implements ErrorFieldProblem {
  @ApiProperty({ example: 'rtp_port' }) field!: string;
  @ApiProperty({ example: 'rtp_port must not be greater than 65535' }) message!: string;
}

export class ErrorResponseDto implements ErrorResponse {
  @ApiProperty({ example: 400 }) status_code!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable code' }) code!: string;
  @ApiProperty({ example: 'rtp_port must not be greater than 65535' }) message!: string;
  @ApiPropertyOptional({ type: [ErrorFieldProblemDto] }) errors?: ErrorFieldProblemDto[];
}
