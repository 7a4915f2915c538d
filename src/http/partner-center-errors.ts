// Partner Center's error envelope (ApiFault): `{"code", "description", "data": [...], "source"}` with a numeric code,
// and an error class that HTTP-level refusals (a missing or wrong token) throw to produce it. Domain errors are mapped
// to it by the one error map (plugins/error-handler.ts) on routes whose errorEnvelope is 'partnerCenter'.
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';

export interface ApiFault {
  code: number;
  description: string;
  data: string[];
  source: string;
}

export const ApiFaultSchema = Type.Object(
  {
    code: Type.Integer({ description: 'Partner Center error code, e.g. 20002 (no relationship), 1000 (not found), 3000 (invalid input)' }),
    description: Type.String(),
    data: Type.Array(Type.String(), { description: 'The fields at fault, when there are any' }),
    source: Type.String(),
  },
  { description: "Partner Center's error (ApiFault)" },
);

/** What Partner Center's front door reports as the source of its errors. */
const SOURCE = 'PartnerFD';

/** Partner Center's answer as is: HTTP status, ApiFault code, description and fields. */
export class PartnerCenterError extends Error {
  override readonly name = 'PartnerCenterError';
  constructor(
    readonly statusCode: number,
    readonly code: number,
    message: string,
    readonly data: string[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Partner Center descriptions are at most 1024 characters. */
export function apiFault(code: number, description: string, data: string[] = []): ApiFault {
  return { code, description: description.length > 1024 ? `${description.slice(0, 1021)}...` : description, data, source: SOURCE };
}

export function sendPartnerCenterError(reply: FastifyReply, status: number, code: number, description: string, data: string[] = []): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(apiFault(code, description, data));
}

/** The ApiFault code Tarmac uses for a status when nothing more specific applies. */
export function defaultPartnerCenterCode(status: number): number {
  if (status === 400) return 3000;
  if (status === 401) return 900420;
  if (status === 403) return 2032;
  if (status === 404) return 1000;
  if (status === 409) return 3001;
  return 500;
}
