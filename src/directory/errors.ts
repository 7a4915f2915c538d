// The directory's error vocabulary: what group and Entra device operations throw for a caller's mistake. The HTTP
// layer answers them in Graph's directory envelope (Request_BadRequest, Request_ResourceNotFound).

export type DirectoryErrorCode =
  /** The object does not exist in the caller's tenant (it may exist in another: never say so). */
  | 'NotFound'
  /** A request field is unusable, or the operation is refused in this state; the message says which and why. */
  | 'BadRequest';

export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Graph's message for a directory object that is not there (same text whether it exists in another tenant or not). */
export function objectNotFound(id: string): DirectoryError {
  return new DirectoryError('NotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
}
