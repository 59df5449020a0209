import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (a body that is not valid JSON, a bad field): the body names each field and why',
  401: 'Missing, invalid or expired access token',
  403: 'Your role lacks the permission this route needs',
  404: 'Unknown id',
  409: 'Conflicts with existing data (duplicate name, bind address in use, last admin...) or a limit of /api/limits reached (code LIMIT_REACHED, the field names the limit)',
  429: 'Too many attempts',
  503: 'A tool the route needs (FFmpeg, ffprobe) could not run or did not finish: try again',
};

/** Documents the error responses a route can return, all with the ErrorResponse body. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponseDto })));
}
