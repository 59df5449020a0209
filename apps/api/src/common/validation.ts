import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { ErrorFieldProblem } from '@mld/contracts';

function flatten(errors: ValidationError[], parent = ''): ErrorFieldProblem[] {
  const out: ErrorFieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      // class-validator says "property x should not exist" for unknown fields: say which and why.
      out.push({ field, message: message.replace(/^property (\S+) should not exist$/, '$1 is not a known field') });
    }
    if (error.children?.length) out.push(...flatten(error.children, field));
  }
  return out;
}

/** The global pipe: unknown fields rejected, types converted, every problem named by field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const problems = flatten(errors);
      return new BadRequestException({ message: problems.map((p) => p.message).join('; '), errors: problems });
    },
  });
}
