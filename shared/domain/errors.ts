/**
 * Errors grouped by who must act. `retryable` is the only thing an edge looks at to choose
 * between redelivery and acknowledge-and-record; `code` is what a user sees on the run.
 */
export abstract class AgentlineError extends Error {
  abstract readonly retryable: boolean;
  readonly code: string;
  /**
   * The variable parts of the message by name (lowerCamelCase keys), so a program need not parse
   * the message: the API returns them as google.rpc.ErrorInfo metadata (AIP-193).
   */
  readonly metadata: Record<string, string>;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.metadata = options?.metadata ?? {};
    this.name = new.target.name;
  }
}

/** What every error may carry besides its message. */
export interface ErrorOptions {
  cause?: unknown;
  /** Replaces the class's default code (shown as the run's error code, and as ErrorInfo's reason). */
  code?: string;
  metadata?: Record<string, string>;
}

/** The caller sent something we will never accept as it is (bad message, bad config). */
export class InvalidInputError extends AgentlineError {
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(options?.code ?? 'INVALID_ARGUMENT', message, options);
  }
}

/** A referenced resource does not exist. */
export class NotFoundError extends AgentlineError {
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(options?.code ?? 'NOT_FOUND', message, options);
  }
}

/** The caller may not do this (or may not learn whether the resource exists). */
export class PermissionDeniedError extends AgentlineError {
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(options?.code ?? 'PERMISSION_DENIED', message, options);
  }
}

/** The request is well formed but the resource is not in a state that allows it. */
export class FailedPreconditionError extends AgentlineError {
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(options?.code ?? 'FAILED_PRECONDITION', message, options);
  }
}

/** Something outside us failed in a way that may succeed later (429, 5xx, ABORTED, network). */
export class TransientError extends AgentlineError {
  readonly retryable = true;
  /** How long the server asked us to wait, when it said. */
  readonly retryDelayMs: number | undefined;
  constructor(message: string, options?: ErrorOptions & { retryDelayMs?: number }) {
    super(options?.code ?? 'UNAVAILABLE', message, options);
    this.retryDelayMs = options?.retryDelayMs;
  }
}

/** A dependency refused the request for good (for example a model 400). */
export class PermanentDependencyError extends AgentlineError {
  readonly retryable = false;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** The caller is not identified: no, malformed, expired or unverifiable credentials. */
export class UnauthenticatedError extends AgentlineError {
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(options?.code ?? 'UNAUTHENTICATED', message, options);
  }
}

/** A resource the caller tried to create exists already. */
export class ResourceExistsError extends AgentlineError {
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(options?.code ?? 'ALREADY_EXISTS', message, options);
  }
}

/** A concurrent operation conflicts (a second deploy while one runs); retry after it ends. */
export class AbortedError extends AgentlineError {
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(options?.code ?? 'ABORTED', message, options);
  }
}

/** The caller has used up a limit (the agents one user may have); it must free some first. */
export class ResourceExhaustedError extends AgentlineError {
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(options?.code ?? 'RESOURCE_EXHAUSTED', message, options);
  }
}

/** A request body over the API's limit: INVALID_ARGUMENT, sent with HTTP 413 (AIP-193 has no code of its own for it). */
export class PayloadTooLargeError extends InvalidInputError {
  readonly httpStatus = 413;
}

/** A path the API serves, asked with a method it does not take there: UNIMPLEMENTED, sent with HTTP 405. */
export class MethodNotAllowedError extends AgentlineError {
  readonly retryable = false;
  readonly httpStatus = 405;
  /** The methods the path takes, for the `Allow` header. */
  readonly allowedMethods: readonly string[];
  constructor(message: string, allowedMethods: readonly string[], options?: ErrorOptions) {
    super(options?.code ?? 'METHOD_NOT_ALLOWED', message, options);
    this.allowedMethods = allowedMethods;
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof AgentlineError ? error.retryable : true;
}
