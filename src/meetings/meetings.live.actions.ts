/**
 * The room's POST actions, one table for the pages and the API: each parses its input, calls
 * one service (which authorizes under the meeting's lock) and says what it did.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { pathId } from '../http/params.js';
import { actorOf } from '../http/request-context.js';
import { parseInput } from '../http/validate.js';
import {
  AttendanceSchema,
  closeMeeting,
  MoveItemSchema,
  moveCurrentItem,
  openMeeting,
  setAttendance,
  setItemTimer,
  TimerSchema,
} from './meetings.live.service.js';
import {
  closeSpeech,
  grantFloor,
  GrantSchema,
  requestToSpeak,
  withdrawSpeech,
} from './meetings.speeches.service.js';

export interface LiveAction {
  /** Path under /meetings (pages) and /api/v1/meetings (API). */
  path: string;
  /** The flash message key (meetings-live namespace) after it worked. */
  done: string;
  run: (req: Request) => Promise<Record<string, unknown>>;
  /** The request body's schema, for the OpenAPI document. */
  body?: z.ZodType;
}

const meetingId = (req: Request) => pathId(req, 'id', 'MEETING_NOT_FOUND');
const speechId = (req: Request) => pathId(req, 'speechId', 'SPEECH_NOT_FOUND');
const input = <S extends z.ZodType>(schema: S, req: Request): z.infer<S> =>
  parseInput(schema, req.body ?? {}, req.lng, req.t);

export const LIVE_ACTIONS: LiveAction[] = [
  {
    path: '/:id/open',
    done: 'flash.opened',
    run: async (req) => {
      const m = await openMeeting(actorOf(req), meetingId(req));
      return { status: m.status, currentItemId: m.currentItemId };
    },
  },
  {
    path: '/:id/close',
    done: 'flash.closed',
    run: async (req) => {
      const m = await closeMeeting(actorOf(req), meetingId(req));
      return { status: m.status };
    },
  },
  {
    path: '/:id/item',
    done: 'flash.moved',
    body: MoveItemSchema,
    run: async (req) => {
      const id = meetingId(req);
      const item = await moveCurrentItem(actorOf(req), id, input(MoveItemSchema, req));
      return { currentItemId: item.id };
    },
  },
  {
    path: '/:id/timer',
    done: 'flash.timer',
    body: TimerSchema,
    run: async (req) => {
      const id = meetingId(req);
      const { action } = input(TimerSchema, req);
      const item = await setItemTimer(actorOf(req), id, action);
      return { itemId: item.id, running: item.timerStartedAt != null };
    },
  },
  {
    path: '/:id/attendance',
    done: 'flash.attendance',
    body: AttendanceSchema,
    run: async (req) => {
      const id = meetingId(req);
      const p = await setAttendance(actorOf(req), id, input(AttendanceSchema, req));
      return { participantId: p.id, attendance: p.attendance };
    },
  },
  {
    path: '/:id/speeches',
    done: 'flash.asked',
    run: async (req) => {
      const s = await requestToSpeak(actorOf(req), meetingId(req));
      return { speechId: s.id, status: s.status };
    },
  },
  {
    path: '/:id/speeches/:speechId/withdraw',
    done: 'flash.withdrawn',
    run: async (req) => {
      const id = meetingId(req);
      const s = await withdrawSpeech(actorOf(req), id, speechId(req));
      return { speechId: s.id, status: s.status };
    },
  },
  {
    path: '/:id/speeches/:speechId/grant',
    done: 'flash.granted',
    body: GrantSchema,
    run: async (req) => {
      const id = meetingId(req);
      const sid = speechId(req);
      const { minutes } = input(GrantSchema, req);
      const s = await grantFloor(actorOf(req), id, sid, minutes);
      return { speechId: s.id, status: s.status, allottedSeconds: s.allottedSeconds };
    },
  },
  {
    path: '/:id/speeches/:speechId/end',
    done: 'flash.ended',
    run: async (req) => {
      const id = meetingId(req);
      const s = await closeSpeech(actorOf(req), id, speechId(req), 'end');
      return { speechId: s.id, status: s.status };
    },
  },
  {
    path: '/:id/speeches/:speechId/decline',
    done: 'flash.declined',
    run: async (req) => {
      const id = meetingId(req);
      const s = await closeSpeech(actorOf(req), id, speechId(req), 'decline');
      return { speechId: s.id, status: s.status };
    },
  },
];
