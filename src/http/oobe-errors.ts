// The device side's (/oobe/v1) error envelope: {"error":{"code","errorCode"?,"message","innerError":{"request-id","date"}}},
// with DDS's names and numbers (InvalidZtdHardwareHash 802, ZtdDeviceIsNotRegistered 807) or Windows' HRESULT
// (0x80180014). The status of each kind is in the app's error map (plugins/error-handler.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OobeError } from '../oobe/errors.js';
import { graphDate } from './graph-errors.js';

export function oobeErrorBody(request: Pick<FastifyRequest, 'id'>, err: OobeError) {
  return {
    error: {
      code: err.kind,
      ...(err.errorCode !== undefined ? { errorCode: err.errorCode } : {}),
      message: err.message,
      innerError: { 'request-id': request.id, date: graphDate() },
    },
  };
}

export function sendOobeError(reply: FastifyReply, status: number, err: OobeError): FastifyReply {
  return reply.code(status).type('application/json').send(oobeErrorBody(reply.request, err));
}
