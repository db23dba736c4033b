import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, ROLES, type Role, type User } from '@app/auth';
import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { LimitOverridesDto, LimitOverridesView } from './limits.dto';
import { trimmed } from './trimmed';

export class CreateUserDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(trimmed)
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ format: 'password', minLength: MIN_PASSWORD_LENGTH })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;

  @ApiProperty({ enum: ROLES, required: false, default: 'user' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiProperty({ required: false, default: false })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiProperty({ type: LimitOverridesDto, required: false })
  @IsOptional()
  @ValidateNested()
  @Type(() => LimitOverridesDto)
  limits?: LimitOverridesDto;
}

export class UpdateUserDto {
  @ApiProperty({ enum: ROLES, required: false })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiProperty({ required: false, description: 'Disabling ends every session and API key of the user' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiProperty({ type: LimitOverridesDto, required: false })
  @IsOptional()
  @ValidateNested()
  @Type(() => LimitOverridesDto)
  limits?: LimitOverridesDto;
}

export class ListUsersQuery {
  @ApiProperty({ required: false, default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiProperty({ required: false, default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset = 0;
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ type: LimitOverridesView }) limits!: LimitOverridesView;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;

  static of(user: User): UserView {
    return {
      id: user.id,
      email: user.email,
      role: user.role,
      disabled: user.disabled,
      limits: LimitOverridesView.of(user),
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
    };
  }
}

export class UserPageView {
  @ApiProperty({ type: [UserView] }) items!: UserView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
