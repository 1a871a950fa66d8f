/** The agency's meeting rooms (phòng họp), kept by whoever holds meetings.rooms.manage. */
import { Op, UniqueConstraintError } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { AppError, unprocessable } from '../http/app-error.js';
import { MeetingRoom } from './meeting.model.js';
import type { RoomInput } from './meetings.prepare.schemas.js';
import type { MeetingActor } from './meetings.prepare.service.js';

/** The agency's rooms by name; only those in use when `activeOnly`. */
export function listRooms(agencyId: number, { activeOnly = false } = {}): Promise<MeetingRoom[]> {
  return MeetingRoom.findAll({
    where: { agencyId, ...(activeOnly ? { isActive: true } : {}) },
    order: [['name', 'ASC']],
  });
}

const roomFields = (input: RoomInput) => ({
  name: input.name,
  location: input.location ?? null,
  capacity: input.capacity ?? null,
  isActive: input.isActive,
});

async function refuseTakenName(agencyId: number, name: string, exceptId?: number) {
  const taken = await MeetingRoom.findOne({
    where: { agencyId, name, ...(exceptId ? { id: { [Op.ne]: exceptId } } : {}) },
  });
  if (taken) throw unprocessable({ name: 'errors:MEETING_ROOM_EXISTS' });
}

/** Saves a room (new, or one of the agency's own); names are unique in the agency. */
export async function saveRoom(
  actor: MeetingActor,
  input: RoomInput,
  roomId?: number,
): Promise<MeetingRoom> {
  const agencyId = actor.user.agencyId;
  await refuseTakenName(agencyId, input.name, roomId);
  try {
    return await withTransaction(db(), undefined, async (transaction) => {
      let room: MeetingRoom | null;
      let before: Record<string, unknown> | null = null;
      if (roomId) {
        room = await MeetingRoom.findOne({ where: { id: roomId, agencyId }, transaction });
        if (!room) throw new AppError('MEETING_ROOM_NOT_FOUND', 404);
        before = roomFields({ ...room.get(), location: room.location ?? undefined } as RoomInput);
        await room.update(roomFields(input), { transaction });
      } else {
        room = await MeetingRoom.create({ agencyId, ...roomFields(input) }, { transaction });
      }
      await recordAudit(
        {
          action: roomId ? 'meeting_room.update' : 'meeting_room.create',
          userId: actor.user.id,
          ip: actor.ip,
          entityType: 'meeting_room',
          entityId: room.id,
          details: { before, after: roomFields(input) },
        },
        { transaction },
      );
      return room;
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError)
      throw unprocessable({ name: 'errors:MEETING_ROOM_EXISTS' });
    throw err;
  }
}
