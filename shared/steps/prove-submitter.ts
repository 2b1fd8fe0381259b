import { PermissionDeniedError, UnauthenticatedError } from '../domain/errors.ts';
import { isValidUserId, type Submission } from '../domain/submission.ts';
import type { Delivery } from '../engine/delivery.ts';
import type { Authenticator } from '../ports/authenticator.ts';

/** The message attribute that carries a submitter's `Bearer <token>`, as an HTTP request's header would. */
export const authorizationAttribute = 'authorization';

/**
 * Who a submission's topic lets assert a user: `token` (the public submissions topic: only a
 * verified token proves a user) or `publisher` (the trusted topic, whose IAM admits only
 * service identities allowed to start runs for any user: the topic's IAM is the boundary).
 */
export type SubmitterTrust = 'token' | 'publisher';

/** A submission's user as far as it is proven. `userId` only when proven; otherwise the run is anonymous. */
export interface Submitter {
  userId?: string;
  /** The user a submission named without proof, kept for the error that tells the submitter why. */
  unprovenUserId?: string;
}

/**
 * Decides who a submission is for (docs/architecture.md, "Trust boundaries"). A token in the
 * `authorization` attribute is verified at the message's publish time, so every delivery of
 * one message derives the same user; a token that fails, or that is for someone other than the
 * `userId` the submission names, refuses the submission (the edge records the rejection, without
 * the token). A `userId` without proof makes an anonymous run that remembers the claim only to
 * explain refusals.
 * @throws UnauthenticatedError or PermissionDeniedError, which refuse the message.
 */
export async function proveSubmitter(
  delivery: Delivery,
  submission: Pick<Submission, 'userId'>,
  options: { authenticator: Authenticator; trust: SubmitterTrust; now: number },
): Promise<Submitter> {
  // Attribute names are case-sensitive in Pub/Sub; a sender writing `Authorization`, as in HTTP, means the same.
  const authorization = Object.entries(delivery.attributes).find(([name]) => name.toLowerCase() === authorizationAttribute)?.[1];
  if (authorization !== undefined) {
    const caller = await options.authenticator.authenticate(authorization, { at: delivery.publishTime ?? options.now });
    if (!isValidUserId(caller.userId)) {
      throw new UnauthenticatedError(`The token's subject "${caller.userId}" cannot be a user id: it must be 1-254 printable characters without "/" or spaces`);
    }
    if (submission.userId !== undefined && submission.userId !== caller.userId) {
      throw new PermissionDeniedError(`The submission names user ${submission.userId} but its token proves user ${caller.userId}; a token starts runs only for its own user`);
    }
    return { userId: caller.userId };
  }
  if (submission.userId === undefined) return {};
  return options.trust === 'publisher' ? { userId: submission.userId } : { unprovenUserId: submission.userId };
}
