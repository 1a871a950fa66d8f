import { Router, type Request } from 'express';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import { storedSignatureCheck } from '../files/signature-check.js';
import { numberNotation } from './deliveries.common.js';
import { RecallAnswerSchema, ReasonSchema } from './deliveries.schemas.js';
import { readDeliveryStatus } from './outgoing.delivery-status.js';
import {
  getDelivery,
  listArrivals,
  refuseDelivery,
  registerDelivery,
  type ArrivalRow,
} from './outgoing.deliveries.js';
import { answerRecall, recallOutgoing } from './outgoing.recall.js';

const deliveryId = (req: Request) => pathId(req, 'id', 'DELIVERY_NOT_FOUND');

function arrivalJson({ recipient, document, senderName }: ArrivalRow) {
  return {
    id: recipient.id,
    status: recipient.status,
    statusAt: recipient.statusAt,
    recallStatus: recipient.recallStatus,
    recallNote: recipient.recallNote,
    fromOrganName: senderName,
    codeNumber: document.codeNumber,
    codeNotation: numberNotation(document),
    promulgationDate: document.promulgationDate,
    documentType: document.documentType,
    subject: document.subject,
    urgency: document.urgency,
    urgentDeliverBy: document.urgentDeliverBy,
    confidentiality: document.confidentiality,
  };
}

/**
 * /api/v1 twins of the delivery pages: the receiving clerk's queue and actions under
 * /deliveries, the sender's tracking and recall under /outgoing/:id.
 */
export function deliveriesApi(): Router {
  const router = Router();

  router.get('/deliveries', async (req, res) => {
    const { waiting, recalls } = await listArrivals(req.user!);
    res.json({ waiting: waiting.map(arrivalJson), recalls: recalls.map(arrivalJson) });
  });

  router.get('/deliveries/:id', async (req, res) => {
    const detail = await getDelivery(deliveryId(req), actorOf(req));
    const { recipient, document, sender } = detail.access;
    res.json({
      ...arrivalJson({ recipient, document, senderName: sender.name }),
      fromOrganId: sender.code,
      signerName: detail.signerName,
      incomingId: recipient.incomingId,
      relation: detail.relation,
      files: detail.files.map(({ file, check }) => ({
        id: file.id,
        name: file.originalName,
        size: file.file?.size,
        pageCount: file.file?.pageCount,
        sha256: file.file?.sha256,
        signatureCheck: check ?? storedSignatureCheck(file),
      })),
      history: detail.events.map((e) => ({ status: e.status, at: e.createdAt, note: e.note })),
    });
  });

  router.post('/deliveries/:id/register', async (req, res) => {
    const incoming = await registerDelivery(deliveryId(req), actorOf(req));
    res
      .status(201)
      .location(`/api/v1/incoming/${incoming.id}`)
      .json({ incomingId: incoming.id, arrivalNumber: incoming.arrivalNumber, status: '03' });
  });

  router.post('/deliveries/:id/refuse', async (req, res) => {
    const input = parseInput(ReasonSchema, req.body ?? {}, req.lng, req.t);
    await refuseDelivery(deliveryId(req), { reason: input.reason ?? '' }, actorOf(req));
    res.json({ status: '02' });
  });

  router.post('/deliveries/:id/recall-answer', async (req, res) => {
    const input = parseInput(RecallAnswerSchema, req.body ?? {}, req.lng, req.t);
    await answerRecall(deliveryId(req), input, actorOf(req));
    res.json({ recallStatus: input.accept ? '15' : '16' });
  });

  router.get('/outgoing/:id/deliveries', async (req, res) => {
    const id = pathId(req, 'id', 'OUTGOING_NOT_FOUND');
    res.json(await readDeliveryStatus(id, actorOf(req), req.t));
  });

  router.post('/outgoing/:id/recall', async (req, res) => {
    const id = pathId(req, 'id', 'OUTGOING_NOT_FOUND');
    const input = parseInput(ReasonSchema, req.body ?? {}, req.lng, req.t);
    await recallOutgoing(id, { reason: input.reason ?? '' }, actorOf(req));
    res.json(await readDeliveryStatus(id, actorOf(req), req.t));
  });

  return router;
}
