/**
 * The OpenAPI paths of deliveries inside the deployment (src/outgoing/deliveries.api.ts): the
 * receiving clerk's /deliveries and the sender's /outgoing/{id}/deliveries and recall, made from
 * the zod schemas the routes validate with.
 */
import { RecallAnswerSchema, ReasonSchema } from '../outgoing/deliveries.schemas.js';
import { errorResponse, jsonBody, ok, pathParam } from './openapi-kit.js';

const idParam = pathParam('id');
const common = {
  401: errorResponse('No or invalid token'),
  404: errorResponse('No such delivery to the caller’s agency (or document visible to the caller)'),
};

/** Paths to spread into the document's `paths`. */
export function deliveryPaths() {
  return {
    '/deliveries': {
      get: {
        summary: 'The clerk’s queue: deliveries arrived (01) and recalls waiting for an answer',
        responses: {
          200: ok('{ waiting, recalls }'),
          401: common[401],
          403: errorResponse('Clerks only'),
        },
      },
    },
    '/deliveries/{id}': {
      get: {
        summary: 'One delivery: sender metadata, signed files with signature checks, history',
        parameters: [idParam],
        responses: { 200: ok('The delivery (audited as delivery.view)'), ...common },
      },
    },
    '/deliveries/{id}/register': {
      post: {
        summary: 'Register the delivery as an incoming document (status 03), in one call',
        parameters: [idParam],
        responses: {
          201: ok('{ incomingId, arrivalNumber, status }'),
          409: errorResponse('Already registered or refused, or recalled'),
          ...common,
        },
      },
    },
    '/deliveries/{id}/refuse': {
      post: {
        summary: 'Refuse the delivery (status 02) with a reason',
        parameters: [idParam],
        requestBody: jsonBody(ReasonSchema),
        responses: {
          200: ok('{ status: "02" }'),
          409: errorResponse('Not waiting any more'),
          422: errorResponse('Reason missing'),
          ...common,
        },
      },
    },
    '/deliveries/{id}/recall-answer': {
      post: {
        summary: 'Answer the sender’s recall: accept (15) or refuse with a reason (16)',
        parameters: [idParam],
        requestBody: jsonBody(RecallAnswerSchema),
        responses: {
          200: ok('{ recallStatus }'),
          409: errorResponse('No recall waiting'),
          422: errorResponse('Reason missing when refusing'),
          ...common,
        },
      },
    },
    '/outgoing/{id}/deliveries': {
      get: {
        summary: 'Each recipient’s edXML status (01–06), time, note, history and recall answer',
        parameters: [idParam],
        responses: { 200: ok('DeliveryStatusView'), ...common },
      },
    },
    '/outgoing/{id}/recall': {
      post: {
        summary: 'Recall an issued document (thu hồi): each agency reached is asked (13)',
        parameters: [idParam],
        requestBody: jsonBody(ReasonSchema),
        responses: {
          200: ok('DeliveryStatusView after the recall'),
          403: errorResponse('Only a clerk of the sending agency'),
          409: errorResponse('Not issued'),
          422: errorResponse('Reason missing'),
          ...common,
        },
      },
    },
  };
}
