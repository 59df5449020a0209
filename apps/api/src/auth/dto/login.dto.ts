import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';
import { SafeText } from '../../common/safe-text.js';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @Length(1, 64)
  @SafeText()
  username!: string;

  @ApiProperty({ example: 'correct horse battery staple', format: 'password' })
  @IsString()
  @MaxLength(1024)
  password!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password' })
  @IsString()
  @MaxLength(1024)
  current_password!: string;

  @ApiProperty({ format: 'password', minLength: 8 })
  @IsString()
  @Length(8, 1024, { message: 'new_password must be at least 8 characters long' })
  new_password!: string;
}
