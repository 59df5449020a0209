import { ApiProperty } from '@nestjs/swagger';
import type { LoginResponse } from '@mld/contracts';
import { UserResponseDto } from '../../users/dto/user.dto.js';

export class LoginResponseDto implements LoginResponse {
  @ApiProperty({ description: 'JWT; send as "Authorization: Bearer <access_token>"' }) access_token!: string;
  @ApiProperty({ enum: ['Bearer'] }) token_type!: 'Bearer';
  @ApiProperty({ description: 'Seconds until the access token expires', example: 3600 }) expires_in!: number;
  @ApiProperty({ type: UserResponseDto }) user!: UserResponseDto;
}

export class MeResponseDto {
  @ApiProperty({ enum: ['user', 'token'] }) type!: 'user' | 'token';
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['viewer', 'operator', 'admin'] }) role!: string;
  @ApiProperty({ type: [String], description: 'Permissions of this role' }) permissions!: string[];
}
