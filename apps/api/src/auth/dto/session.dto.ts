import { MAX_PASSWORD_LENGTH } from '@app/auth';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { trimmed } from './trimmed';

export class SignInDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(trimmed)
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;
}

export class RefreshTokenDto {
  @ApiProperty({ description: 'The refresh token from /auth/token or the last /auth/refresh' })
  @IsString()
  @MinLength(1)
  @MaxLength(2_048)
  refreshToken!: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'Access JWT for `Authorization: Bearer`' }) accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Seconds until the access token expires' }) expiresIn!: number;
  @ApiProperty({ description: 'Single use: each refresh returns a new one' }) refreshToken!: string;
  @ApiProperty({ description: 'Seconds until the refresh token expires' }) refreshExpiresIn!: number;
}
