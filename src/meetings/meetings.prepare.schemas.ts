import { z } from 'zod';
import {
  blankToUndefined,
  checkbox,
  decimal,
  id,
  integer,
  level,
  optionalId,
  optionalText,
  requiredText,
  vietnamDateTime,
} from '../http/form-fields.js';
import { MEETING_KINDS } from './meeting.model.js';

const required = <T extends z.ZodType>(schema: T) =>
  schema.refine((v) => v !== undefined, 'forms:invalid.required');

const optionalInt = (min: number, max: number) =>
  z.preprocess(blankToUndefined, integer(z.number().int().min(min).max(max).optional()));

/** An http(s) address of an online meeting (Zoom, Teams, the agency's own). */
const onlineUrl = z.preprocess(
  blankToUndefined,
  z
    .string()
    .max(500)
    .regex(/^https?:\/\/[^\s<>"]+$/i, 'errors:MEETING_ONLINE_URL')
    .optional(),
);

/** A list from a form (one value or repeated) or JSON: ids, none when left out. */
const idList = z.preprocess(
  (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v.filter((x) => x !== '') : [v]),
  z.array(id).max(500),
);

/** The meeting's own fields (title, kind, chair, secretary, times, place, description). */
export const MeetingSchema = z
  .object({
    title: requiredText(500),
    kind: z.enum(MEETING_KINDS),
    chairId: id,
    secretaryId: id,
    startsAt: required(vietnamDateTime),
    endsAt: required(vietnamDateTime),
    roomId: optionalId,
    onlineUrl,
    description: optionalText(5000),
  })
  .superRefine((v, ctx) => {
    if (v.startsAt && v.endsAt && v.endsAt.getTime() <= v.startsAt.getTime())
      ctx.addIssue({
        code: 'custom',
        path: ['endsAt'],
        message: 'errors:MEETING_END_BEFORE_START',
      });
    if (!v.roomId && !v.onlineUrl)
      ctx.addIssue({ code: 'custom', path: ['roomId'], message: 'errors:MEETING_PLACE_REQUIRED' });
  });
export type MeetingInput = z.infer<typeof MeetingSchema>;

export const LIST_WHEN = ['upcoming', 'past'] as const;

/** The list's filters; anything unreadable is simply ignored. */
export const MeetingListQuery = z.object({
  when: z.enum(LIST_WHEN).catch('upcoming'),
  mine: checkbox.catch(false),
  q: z.string().trim().max(100).optional().catch(undefined),
  kind: z.enum(MEETING_KINDS).optional().catch(undefined),
  roomId: optionalId.catch(undefined),
  page: integer(z.number().int().min(1).max(10_000).catch(1)),
});
export type MeetingListFilters = z.infer<typeof MeetingListQuery>;

export const PARTICIPANT_KINDS = ['person', 'department', 'external', 'guest'] as const;

/**
 * Who to invite: people of the agency (person), every active member of a department, people of
 * another agency of the deployment (external, as guests), or a guest by name and organisation.
 */
export const AddParticipantsSchema = z
  .object({
    kind: z.enum(PARTICIPANT_KINDS),
    userIds: idList,
    departmentId: optionalId,
    guestName: optionalText(255),
    guestOrganisation: optionalText(255),
    role: z.enum(['member', 'participant']).default('participant'),
    isVoting: checkbox,
    voteWeight: optionalInt(1, 1000),
  })
  .superRefine((v, ctx) => {
    if ((v.kind === 'person' || v.kind === 'external') && v.userIds.length === 0)
      ctx.addIssue({ code: 'custom', path: ['userIds'], message: 'forms:invalid.chooseOne' });
    if (v.kind === 'department' && !v.departmentId)
      ctx.addIssue({ code: 'custom', path: ['departmentId'], message: 'forms:invalid.required' });
    if (v.kind === 'guest' && !v.guestName)
      ctx.addIssue({ code: 'custom', path: ['guestName'], message: 'forms:invalid.required' });
  });
export type AddParticipantsInput = z.infer<typeof AddParticipantsSchema>;

export const UpdateParticipantSchema = z.object({
  role: z.enum(['member', 'participant']).optional(),
  isVoting: checkbox,
  voteWeight: optionalInt(1, 1000),
});
export type UpdateParticipantInput = z.infer<typeof UpdateParticipantSchema>;

/** The invitee's answer: attend, send a named deputy, or absent with a reason (required). */
export const RsvpSchema = z
  .object({
    answer: z.enum(['attend', 'deputy', 'absent']),
    deputyUserId: optionalId,
    reason: optionalText(500),
  })
  .superRefine((v, ctx) => {
    if (v.answer === 'absent' && !v.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'errors:MEETING_ABSENT_REASON' });
    if (v.answer === 'deputy' && !v.deputyUserId)
      ctx.addIssue({ code: 'custom', path: ['deputyUserId'], message: 'errors:MEETING_DEPUTY' });
  });
export type RsvpInput = z.infer<typeof RsvpSchema>;

/** An agenda item: title, presenter (a person or a name), planned minutes, confidentiality. */
export const ItemSchema = z.object({
  title: requiredText(500),
  presenterId: optionalId,
  presenterName: optionalText(255),
  plannedMinutes: optionalInt(1, 600),
  confidentiality: level,
});
export type ItemInput = z.infer<typeof ItemSchema>;

/** Moves an item one place (up, down) or to a position (1 = first). */
export const MoveItemSchema = z
  .object({
    direction: z.enum(['up', 'down']).optional(),
    position: optionalInt(1, 1000),
  })
  .refine((v) => v.direction || v.position, {
    path: ['position'],
    message: 'forms:invalid.required',
  });
export type MoveItemInput = z.infer<typeof MoveItemSchema>;

export const ReasonSchema = z.object({ reason: requiredText(500) });

/** A document for an item: the uploaded PDF's title, or a link to an incoming/outgoing document. */
export const UploadDocumentSchema = z.object({ title: optionalText(500) });
export const LinkDocumentSchema = z.preprocess(
  linkedFromAddress,
  z.object({
    linkedKind: z.enum(['incoming', 'outgoing']),
    linkedId: id,
    title: optionalText(500),
  }),
);

/**
 * The document's address as copied from the browser ("https://…/outgoing/3", "/incoming/12")
 * names both the kind and the number: taken as such, so nobody has to pick the number out of it.
 */
function linkedFromAddress(value: unknown): unknown {
  if (value == null || typeof value !== 'object') return value;
  const form = value as Record<string, unknown>;
  const typed = typeof form.linkedId === 'string' ? form.linkedId.trim() : null;
  const m = typed ? /(?:^|\/)(incoming|outgoing)\/(\d{1,12})\/?(?:[?#].*)?$/.exec(typed) : null;
  return m ? { ...form, linkedKind: m[1], linkedId: m[2] } : value;
}
export type LinkDocumentInput = z.infer<typeof LinkDocumentSchema>;

const fraction = decimal(z.number().min(0).max(1));
const Rect = z.object({ x: fraction, y: fraction, w: fraction, h: fraction });

/** A private note (text) or highlight (an area of the page, with an optional text). */
export const NoteSchema = z
  .object({
    page: integer(z.number().int().min(1).max(10_000)),
    kind: z.enum(['note', 'highlight']).default('note'),
    rect: z.preprocess((v) => {
      if (typeof v !== 'string') return v === '' ? undefined : v;
      if (v.trim() === '') return undefined;
      try {
        return JSON.parse(v);
      } catch {
        return v;
      }
    }, Rect.optional()),
    text: optionalText(4000),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'note' && !v.text)
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'forms:invalid.required' });
    if (v.kind === 'highlight' && !v.rect)
      ctx.addIssue({ code: 'custom', path: ['rect'], message: 'forms:invalid.required' });
  });
export type NoteInput = z.infer<typeof NoteSchema>;

export const QuestionSchema = z.object({ text: requiredText(2000) });

export const RoomSchema = z.object({
  name: requiredText(150),
  location: optionalText(255),
  capacity: optionalInt(1, 100_000),
  isActive: checkbox,
});
export type RoomInput = z.infer<typeof RoomSchema>;
