import { ValidateIf } from 'class-validator';

/**
 * Optional in a PATCH, but not nullable: `{"name": null}` is validated (and refused) instead of
 * slipping past @IsOptional() into a NOT NULL column.
 */
export const OptionalNotNull = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
