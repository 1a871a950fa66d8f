export type FieldErrors = Record<string, string>;

/**
 * An error meant for the person using the app: a stable code, an HTTP status and a message key
 * (translated by the error handler from the `errors` namespace unless a message is given).
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message?: string,
    readonly fields?: FieldErrors,
    readonly params?: Record<string, unknown>,
  ) {
    super(message ?? code);
    this.name = 'AppError';
  }

  get hasOwnMessage(): boolean {
    return this.message !== this.code;
  }
}

export const notFound = (code = 'NOT_FOUND') => new AppError(code, 404);
export const forbidden = (code = 'FORBIDDEN') => new AppError(code, 403);
export const badRequest = (code: string, fields?: FieldErrors) =>
  new AppError(code, 400, undefined, fields);
export const unprocessable = (fields: FieldErrors, code = 'VALIDATION_FAILED') =>
  new AppError(code, 422, undefined, fields);
export const conflict = (code: string) => new AppError(code, 409);
