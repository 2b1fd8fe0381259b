import { UnauthenticatedError } from '../../domain/errors.ts';

/** The token of an `Authorization: Bearer <token>` header; UNAUTHENTICATED otherwise. */
export function bearerToken(authorizationHeader: string | undefined): string {
  if (!authorizationHeader) throw new UnauthenticatedError('Missing Authorization header: send "Authorization: Bearer <token>"');
  const match = /^Bearer\s+(\S+)$/i.exec(authorizationHeader.trim());
  if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"');
  return match[1]!;
}
