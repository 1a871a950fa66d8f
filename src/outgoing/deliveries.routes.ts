import { padNumber } from '../http/view-helpers.js';
import { Router, type Request, type Response } from 'express';
import type { ZodType } from 'zod';
import { z } from 'zod';
import { documentTypeName } from '../documents/document-types.js';
import { contentDisposition } from '../http/content-disposition.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { isFormError, messageOf, translateFields } from '../http/forms.js';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { auditAccess } from '../audit/audit.service.js';
import { parseInput } from '../http/validate.js';
import { exportLink } from '../http/list-export.js';
import { exportArrivals, exportDeliveryStatus } from './deliveries.export.js';
import { signatureView } from '../incoming/incoming.view-model.js';
import { numberNotation } from './deliveries.common.js';
import { RecallAnswerSchema, ReasonSchema } from './deliveries.schemas.js';
import { deliveryStatusModel } from './outgoing.delivery-status.js';
import {
  getDelivery,
  listArrivals,
  openDeliveryFile,
  refuseDelivery,
  registerDelivery,
  type ArrivalRow,
  type DeliveryDetail,
} from './outgoing.deliveries.js';
import { answerRecall, recallOutgoing } from './outgoing.recall.js';

const deliveryId = (req: Request, name = 'id') => pathId(req, name, 'DELIVERY_NOT_FOUND');
const outgoingId = (req: Request) => pathId(req, 'id', 'OUTGOING_NOT_FOUND');

function arrivalRow(req: Request, { recipient, document, senderName }: ArrivalRow) {
  return {
    id: recipient.id,
    senderName,
    notation: numberNotation(document),
    promulgationDate: document.promulgationDate,
    subject: document.subject,
    urgency: document.urgency,
    urgentDeliverBy: document.urgentDeliverBy,
    confidentiality: document.confidentiality,
    documentTypeName: documentTypeName(document.documentType, req.lng),
    arrivedAt: recipient.statusAt,
    recallNote: recipient.recallNote,
    recallRefused: recipient.recallStatus === '16',
  };
}

/** The delivery page's model: the sender's metadata, files with signature checks, actions. */
function detailModel(req: Request, detail: DeliveryDetail) {
  const { recipient, document, sender } = detail.access;
  const waiting =
    recipient.status === '01' && recipient.recallStatus !== '13' && recipient.recallStatus !== '15';
  const t = req.t as unknown as (k: string, o?: object) => string;
  return {
    title: `${req.t('deliveries:detail.title')} ${numberNotation(document)}`,
    delivery: {
      id: recipient.id,
      senderName: sender.name,
      senderCode: sender.code,
      notation: numberNotation(document),
      promulgationDate: document.promulgationDate,
      placeName: document.placeName,
      documentTypeName: documentTypeName(document.documentType, req.lng),
      subject: document.subject,
      summary: document.summary,
      signerName: detail.signerName,
      signerTitle: document.signerTitle,
      signingForm: document.signingForm,
      urgency: document.urgency,
      urgentDeliverBy: document.urgentDeliverBy,
      confidentiality: document.confidentiality,
      isSecret: document.confidentiality > 0,
      statusText: `${recipient.status} ${t(`deliveries:status.${recipient.status}`)}`,
      statusNote: recipient.statusNote,
      incomingId: recipient.incomingId,
      recallStatus: recipient.recallStatus,
      recallText: recipient.recallStatus
        ? `${recipient.recallStatus} ${t(`deliveries:status.${recipient.recallStatus}`)}`
        : null,
      recallReason: document.recallReason,
    },
    relation: detail.relation && {
      text: t(`deliveries:relation.${detail.relation.relation}`, {
        notation: detail.relation.notation,
      }),
      incomingId: detail.relation.incomingId,
    },
    files: detail.files.map(({ file, check }) => ({
      id: file.id,
      name: file.originalName,
      size: file.file?.size,
      pageCount: file.file?.pageCount,
      url: `/incoming/arrivals/${recipient.id}/files/${file.id}`,
      signature: signatureView(req, check),
    })),
    firstFileUrl: detail.files[0]
      ? `/incoming/arrivals/${recipient.id}/files/${detail.files[0].file.id}`
      : null,
    events: detail.events.map((e) => ({
      text: `${e.status} ${t(`deliveries:status.${e.status}`)}`,
      at: e.createdAt,
      note: e.note,
    })),
    canRegister: waiting,
    canRefuse: waiting,
    canAnswerRecall: recipient.recallStatus === '13',
  };
}

/** A POST of the delivery page: errors (409, 422) re-render the page with the message. */
function deliveryAction<S extends ZodType>(
  schema: S,
  run: (id: number, input: z.infer<S>, req: Request) => Promise<string>,
) {
  return async (req: Request, res: Response) => {
    const id = deliveryId(req);
    try {
      const input = parseInput(schema, req.body ?? {}, req.lng, req.t);
      return res.redirect(303, await run(id, input, req));
    } catch (err) {
      if (!isFormError(err)) throw err;
      const detail = await getDelivery(id, actorOf(req));
      res.status(err.status).render('incoming/arrivals-detail', {
        ...detailModel(req, detail),
        formError: messageOf(req, err),
        errors: translateFields(req, err.fields),
        values: req.body ?? {},
      });
    }
  };
}

/**
 * The receiving clerk's pages (Văn bản đến chờ tiếp nhận, under /incoming) and the sender's
 * recall and tracking pages. Mounted before the incoming pages: /incoming/arrivals is not an id.
 */
export function deliveriesRouter(): Router {
  const router = Router();

  router.get(
    '/incoming/arrivals',
    requireUser,
    requirePermission('delivery.list'),
    async (req, res) => {
      const { waiting, recalls } = await listArrivals(req.user!);
      res.render('incoming/arrivals', {
        title: req.t('deliveries:arrivals.title'),
        waiting: waiting.map((r) => arrivalRow(req, r)),
        recalls: recalls.map((r) => arrivalRow(req, r)),
        exportLink: exportLink(req, '/incoming/arrivals/export.xlsx', {}),
      });
    },
  );

  // Before /incoming/arrivals/:id: the queue as shown, as XLSX (deliveries.export.ts).
  router.get(
    '/incoming/arrivals/export.xlsx',
    requireUser,
    requirePermission('delivery.list'),
    exportArrivals,
  );

  router.get('/incoming/arrivals/:id', requireUser, async (req, res) => {
    const detail = await getDelivery(deliveryId(req), actorOf(req));
    res.render('incoming/arrivals-detail', { ...detailModel(req, detail), errors: {}, values: {} });
  });

  router.get('/incoming/arrivals/:id/files/:fileId', requireUser, async (req, res) => {
    const { documentFile, stream } = await openDeliveryFile(
      deliveryId(req),
      pathId(req, 'fileId', 'FILE_NOT_FOUND'),
      actorOf(req),
    );
    const disposition = req.query.download === '1' ? 'attachment' : 'inline';
    res.set({
      'Content-Type': documentFile.file!.mimeType,
      'Content-Length': String(documentFile.file!.size),
      'Content-Disposition': contentDisposition(disposition, documentFile.originalName),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  });

  router.post(
    '/incoming/arrivals/:id/register',
    requireUser,
    deliveryAction(z.object({}), async (id, _input, req) => {
      const incoming = await registerDelivery(id, actorOf(req));
      flash(
        req,
        'success',
        req.t('incoming:flash.registered', { number: padNumber(incoming.arrivalNumber) }),
      );
      return `/incoming/${incoming.id}`;
    }),
  );

  router.post(
    '/incoming/arrivals/:id/refuse',
    requireUser,
    deliveryAction(ReasonSchema, async (id, input, req) => {
      await refuseDelivery(id, { reason: input.reason ?? '' }, actorOf(req));
      flash(req, 'success', req.t('deliveries:flash.refused'));
      return '/incoming/arrivals';
    }),
  );

  router.post(
    '/incoming/arrivals/:id/recall',
    requireUser,
    deliveryAction(RecallAnswerSchema, async (id, input, req) => {
      await answerRecall(id, input, actorOf(req));
      flash(
        req,
        'success',
        req.t(`deliveries:flash.${input.accept ? 'recallAccepted' : 'recallRefused'}`),
      );
      return '/incoming/arrivals';
    }),
  );

  // The sender's tracking until the outgoing detail page shows the same partial.
  router.get('/outgoing/:id/deliveries', requireUser, async (req, res) => {
    const id = outgoingId(req);
    const deliveries = await deliveryStatusModel(req, id);
    // The same read as the API's (readDeliveryStatus), audited the same way.
    await auditAccess('outgoing.delivery_status.view', actorOf(req), 'outgoing', id);
    res.render('deliveries/status', {
      title: req.t('deliveries:status.title'),
      deliveries,
      exportLink: exportLink(req, `/outgoing/${id}/deliveries/export.xlsx`, {}),
    });
  });
  router.get('/outgoing/:id/deliveries/export.xlsx', requireUser, exportDeliveryStatus);

  router.post('/outgoing/:id/recall', requireUser, async (req, res) => {
    const id = outgoingId(req);
    try {
      const input = parseInput(ReasonSchema, req.body ?? {}, req.lng, req.t);
      await recallOutgoing(id, { reason: input.reason ?? '' }, actorOf(req));
    } catch (err) {
      if (!isFormError(err)) throw err;
      const deliveries = await deliveryStatusModel(req, id);
      return res.status(err.status).render('deliveries/status', {
        title: req.t('deliveries:status.title'),
        deliveries,
        exportLink: exportLink(req, `/outgoing/${id}/deliveries/export.xlsx`, {}),
        formError: messageOf(req, err),
        errors: translateFields(req, err.fields),
      });
    }
    flash(req, 'success', req.t('deliveries:flash.recalled'));
    res.redirect(303, `/outgoing/${id}/deliveries`);
  });

  return router;
}
