import { Router, type Request, type Response } from 'express';
import type { ZodType } from 'zod';
import { z } from 'zod';
import { requireUser } from '../http/auth.js';
import { flash } from '../http/flash.js';
import { integer } from '../http/form-fields.js';
import { parseInput } from '../http/validate.js';
import { isFormError, messageOf, translateFields } from '../http/forms.js';
import { actorOf } from '../http/request-context.js';
import { idParam } from './incoming.http.js';
import {
  AcknowledgeSchema,
  AssignSchema,
  CommentSchema,
  CompleteSchema,
  DirectFormSchema,
  FileSchema,
  PresentSchema,
  RemindSchema,
  ReportSchema,
  ReturnSchema,
} from './incoming.schemas.js';
import {
  acknowledgeInfo,
  assignIncoming,
  commentIncoming,
  completeAssignment,
  directIncoming,
  fileIncoming,
  getIncomingDetail,
  grantIncomingAccess,
  presentToLeader,
  remindAssignee,
  reportProgress,
  returnToClerk,
} from './incoming.service.js';
import { sendBackIncoming } from './incoming.workflow.js';
import { filesOfDocument } from '../records-files/records-files.panel.js';
import { describeNotices, type DirectionNotice } from './incoming.deadlines.js';
import { detailPageModel, formValues } from './incoming.view-model.js';

const GrantSchema = z.object({ userId: integer(z.number().int().positive()) });

type Handler<T> = (id: number, input: T, req: Request) => Promise<unknown>;

/**
 * The service names a direction's targets as the API sends them ("support.1", "lead.deadline");
 * the page has one field per role and one deadline per role, where each message is shown.
 */
function pageFields(fields: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(fields ?? {})) {
    const m = /^(lead|support|info)(?:\.\d+)?(\.deadline)?$/.exec(key);
    const field = m ? `${m[1]}${m[2] ? 'Deadline' : ''}` : key;
    out[field] ??= message;
  }
  return out;
}

/**
 * One POST action of the detail page: parse, call the service (which checks the policy inside
 * its transaction), then 303 back to the document with a flash; bad input re-renders the page
 * with the form's errors (422), a document not at this step gives 409.
 */
function action<S extends ZodType>(form: string, schema: S, run: Handler<z.infer<S>>) {
  return async (req: Request, res: Response) => {
    const id = idParam(req);
    try {
      const input = parseInput(schema, req.body ?? {}, req.lng, req.t);
      await run(id, input, req);
    } catch (err) {
      if (!isFormError(err)) throw err;
      // The page is re-read without a second audit row: the refused post is not a new view.
      const detail = await getIncomingDetail(id, actorOf(req), { audit: false, withTexts: true });
      const formErrors = translateFields(req, pageFields(err.fields));
      return res.status(err.status).render('incoming/detail', {
        ...(await detailPageModel(req, detail)),
        form,
        formErrors,
        ...(form === 'direct' ? directionErrors(formErrors) : {}),
        formError: messageOf(req, err),
        formValues: formValues(req.body),
      });
    }
    flash(req, 'success', req.t(`incoming:flash.${form}`));
    res.redirect(303, `/incoming/${id}`);
  };
}

/** What a leader or head should know after a step (a moved deadline…), dates as dd/mm/yyyy. */
function flashNotices(req: Request, notices: DirectionNotice[]): void {
  for (const n of describeNotices(req.t, notices)) flash(req, 'info', n.message);
}

// The direction form's fields, each with its message beside it; any other below them.
const DIRECTION_FIELDS = ['note', 'lead', 'leadDeadline', 'support', 'supportDeadline', 'info'];

function directionErrors(errors: Record<string, string>) {
  return {
    directErrors: errors,
    directOtherErrors: Object.entries(errors)
      .filter(([field]) => !DIRECTION_FIELDS.includes(field))
      .map(([, message]) => message),
  };
}

export function incomingActions(): Router {
  const router = Router();
  const post = <S extends ZodType>(
    path: string,
    form: string,
    schema: S,
    run: Handler<z.infer<S>>,
  ) => router.post(`/incoming/:id/${path}`, requireUser, action(form, schema, run));

  post('present', 'present', PresentSchema, (id, input, req) =>
    presentToLeader(id, input, actorOf(req)),
  );
  post('direct', 'direct', DirectFormSchema, async (id, input, req) => {
    const notices: DirectionNotice[] = [];
    await directIncoming(id, input, actorOf(req), { notices });
    flashNotices(req, notices);
  });
  post('assign', 'assign', AssignSchema, async (id, input, req) => {
    const notices: DirectionNotice[] = [];
    await assignIncoming(id, input, actorOf(req), { notices });
    flashNotices(req, notices);
  });
  post('report', 'report', ReportSchema, (id, input, req) =>
    reportProgress(id, input, actorOf(req)),
  );
  post('complete', 'complete', CompleteSchema, (id, input, req) =>
    completeAssignment(id, input, actorOf(req)),
  );
  post('acknowledge', 'acknowledge', AcknowledgeSchema, (id, input, req) =>
    acknowledgeInfo(id, input.assignmentId, actorOf(req)),
  );
  post('file', 'file', FileSchema, async (id, input, req) => {
    await fileIncoming(id, actorOf(req), {
      confirmOpenWork: input.confirmOpenWork,
      recordsFileId: input.recordsFileId,
    });
    // Which records file it went into, or that it is in none yet (Decree 30: each document is
    // kept in a file).
    const files = await filesOfDocument(req.user!, 'incoming', id);
    const into = files?.holding.find((f) => f.id === input.recordsFileId);
    if (into)
      flash(req, 'info', req.t('incoming:flash.fileInto', { code: into.code, title: into.title }));
    else if (files && files.holding.length === 0)
      flash(req, 'info', req.t('incoming:flash.fileNoRecordsFile'));
  });
  post('send-back', 'sendBack', ReturnSchema, (id, input, req) =>
    sendBackIncoming(id, input, actorOf(req)),
  );
  post('return', 'return', ReturnSchema, (id, input, req) =>
    returnToClerk(id, input, actorOf(req)),
  );
  post('comments', 'comment', CommentSchema, (id, input, req) =>
    commentIncoming(id, input, actorOf(req)),
  );
  post('reminders', 'remind', RemindSchema, (id, input, req) =>
    remindAssignee(id, input, actorOf(req)),
  );
  post('grants', 'grant', GrantSchema, (id, input, req) =>
    grantIncomingAccess(id, input.userId, actorOf(req)),
  );
  return router;
}
