// The partners domain's error vocabulary. Partner Center routes answer these in Partner Center's ApiFault envelope
// (src/http/plugins/error-handler.ts: 403 code 20002 for a missing relationship, 404 code 1000, 400 code 3000 with
// the offending fields in `data`); the customer's own relationship routes answer them in Graph's envelope.

export type PartnerErrorCode =
  /** The caller has no accepted relationship with this customer (or the customer does not exist: never say which). */
  | 'NoRelationship'
  /** The caller's organisation is not of the kind this API serves (a customer or an OEM calling Partner Center). */
  | 'WrongOrganization'
  /** The batch, device, policy or tracking id does not exist for this customer. */
  | 'NotFound'
  /** A request field is unusable; `data` names the fields. */
  | 'InvalidInput'
  /** A batch of that name already exists for the customer. */
  | 'AlreadyExists'
  /** An invitation link or code that names no partner or OEM. */
  | 'InvalidInvitation';

export class PartnerError extends Error {
  override readonly name = 'PartnerError';
  constructor(
    readonly code: PartnerErrorCode,
    message: string,
    /** What Partner Center puts in ApiFault.data: the fields at fault. */
    readonly data: string[] = [],
  ) {
    super(message);
  }
}
