// What the device side (OOBE) can be told, with the codes Windows and DDS use. No HTTP here: routes map each kind to a
// status (src/http/routes/oobe.ts).

export type OobeErrorKind =
  /** 802: the presented hash does not decode; the message names the problem and its byte offset. */
  | 'InvalidZtdHardwareHash'
  /** 807: no tenant has registered this hardware (the PC then runs a normal OOBE). */
  | 'ZtdDeviceIsNotRegistered'
  /** 813: the hash matches several registrations without a hash (one by tuple, one by product key ID). */
  | 'ZtdDeviceIsNotUnique'
  /** 0x80180014 and friends: the enrollment is refused in the device's current state. */
  | 'EnrollmentBlocked'
  /** Workplace join: the user principal name's domain belongs to no tenant. */
  | 'UnknownTenantDomain'
  /** A request field is unusable; the message names it. */
  | 'InvalidInput'
  /** Enroll: the signing-in user belongs to another tenant than the one that registered the device. */
  | 'TenantMismatch'
  /** The client address made more requests than TARMAC_OOBE_RATE_LIMIT per minute. */
  | 'TooManyRequests';

/** Windows' HRESULT when a self-deploying/pre-provisioned device enrolls again while its Intune record exists. */
export const SDM_ONE_TIME_LIMIT_HRESULT = '0x80180014';
export const SDM_ONE_TIME_LIMIT_MESSAGE = 'Enrollment blocked for AP device by SDM One Time Limit Check';

export class OobeError extends Error {
  override readonly name = 'OobeError';
  constructor(
    readonly kind: OobeErrorKind,
    message: string,
    /** DDS number (802, 807, 813) or Windows HRESULT ('0x80180014') when there is one. */
    readonly errorCode?: number | string,
  ) {
    super(message);
  }
}
