// What profile operations throw for a caller's mistake; the Graph routes turn it into Graph's error envelope.

export type ProfileErrorCode =
  /** The profile or assignment does not exist in the caller's tenant. */
  | 'NotFound'
  /** A field is unusable; the message names it. */
  | 'InvalidInput'
  /** The same assignment exists already, or the profile is assigned and cannot be deleted. */
  | 'Conflict'
  /** The tenant has the most profiles it may have. */
  | 'LimitReached';

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
  constructor(
    readonly code: ProfileErrorCode,
    message: string,
  ) {
    super(message);
  }
}
