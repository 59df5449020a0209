import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES, type Role, type UserResponse } from '@mld/contracts';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { SafeText } from '../../common/safe-text.js';

export class CreateUserDto {
  @ApiProperty({ example: 'alice', pattern: '^[a-zA-Z0-9._-]{3,64}$' })
  @IsString()
  @SafeText()
  @Matches(/^[a-zA-Z0-9._-]{3,64}$/, { message: 'username must be 3-64 characters of letters, digits, ".", "_" or "-"' })
  username!: string;

  @ApiProperty({ format: 'password', minLength: 8 })
  @IsString()
  @Length(8, 1024, { message: 'password must be at least 8 characters long' })
  password!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ format: 'password', minLength: 8 })
  @IsOptional()
  @IsString()
  @Length(8, 1024, { message: 'password must be at least 8 characters long' })
  password?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role?: Role;
}

export class UserResponseDto implements UserResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}
