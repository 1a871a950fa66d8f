import { keepFolded } from '../db/folded.js';
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { User } from '../users/user.model.js';

/** Kinds of meeting an agency holds; the label is locales' meetings:kind.<code>. */
export const MEETING_KINDS = [
  'giao_ban',
  'phien_hop_ubnd',
  'chuyen_de',
  'hoi_nghi',
  'khac',
] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

/**
 * draft (the organiser prepares it, only the organisers see it) → published (participants are
 * invited and see the documents) → in_progress (opened by the chair) → closed; or cancelled.
 */
export const MEETING_STATUSES = [
  'draft',
  'published',
  'in_progress',
  'closed',
  'cancelled',
] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** chair and secretary are participants too, so that presence and votes treat everyone alike. */
export const PARTICIPANT_ROLES = ['chair', 'secretary', 'member', 'participant', 'guest'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

/** The invitee's answer: attend, send a deputy (named; the deputy gets the access), or absent. */
export const RSVP_ANSWERS = ['pending', 'attend', 'deputy', 'absent'] as const;
export type RsvpAnswer = (typeof RSVP_ANSWERS)[number];

/** Presence as checked in (QR or by the secretary); what quorum counts. */
export const ATTENDANCE = ['present', 'online', 'absent', 'deputy'] as const;
export type Attendance = (typeof ATTENDANCE)[number];

export const ITEM_STATUSES = ['planned', 'current', 'done', 'withdrawn'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

const stamps = { createdAt: DataTypes.DATE(3), updatedAt: DataTypes.DATE(3) };

export class MeetingRoom extends Model<
  InferAttributes<MeetingRoom>,
  InferCreationAttributes<MeetingRoom>
> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare name: string;
  declare location: string | null;
  declare capacity: number | null;
  declare isActive: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    MeetingRoom.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        name: { type: DataTypes.STRING(150), allowNull: false },
        location: { type: DataTypes.STRING(255), allowNull: true },
        capacity: { type: DataTypes.INTEGER, allowNull: true },
        isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        ...stamps,
      },
      { sequelize, tableName: 'meeting_rooms' },
    );
  }
}

export class Meeting extends Model<InferAttributes<Meeting>, InferCreationAttributes<Meeting>> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare title: string;
  /** The title folded (the list's search): keepFolded. */
  declare titleFolded: CreationOptional<string | null>;
  declare kind: MeetingKind;
  declare description: string | null;
  declare chairId: number;
  declare secretaryId: number;
  declare organiserId: number;
  declare startsAt: Date;
  declare endsAt: Date;
  declare roomId: number | null;
  declare onlineUrl: string | null;
  declare status: CreationOptional<MeetingStatus>;
  declare publishedAt: CreationOptional<Date | null>;
  declare openedAt: CreationOptional<Date | null>;
  declare closedAt: CreationOptional<Date | null>;
  declare cancelledAt: CreationOptional<Date | null>;
  declare cancelReason: CreationOptional<string | null>;
  declare currentItemId: CreationOptional<number | null>;
  /** The secret of the room's check-in QR code (random, 32 bytes base64url). */
  declare checkInToken: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare room?: MeetingRoom | null;
  declare chair?: User;
  declare secretary?: User;

  static initModel(sequelize: Sequelize): void {
    Meeting.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        title: { type: DataTypes.STRING(500), allowNull: false },
        titleFolded: { type: DataTypes.STRING(500), allowNull: true },
        kind: { type: DataTypes.STRING(30), allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: true },
        chairId: { type: DataTypes.INTEGER, allowNull: false },
        secretaryId: { type: DataTypes.INTEGER, allowNull: false },
        organiserId: { type: DataTypes.INTEGER, allowNull: false },
        startsAt: { type: DataTypes.DATE(3), allowNull: false },
        endsAt: { type: DataTypes.DATE(3), allowNull: false },
        roomId: { type: DataTypes.INTEGER, allowNull: true },
        onlineUrl: { type: DataTypes.STRING(500), allowNull: true },
        status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'draft' },
        publishedAt: { type: DataTypes.DATE(3), allowNull: true },
        openedAt: { type: DataTypes.DATE(3), allowNull: true },
        closedAt: { type: DataTypes.DATE(3), allowNull: true },
        cancelledAt: { type: DataTypes.DATE(3), allowNull: true },
        cancelReason: { type: DataTypes.STRING(500), allowNull: true },
        currentItemId: { type: DataTypes.INTEGER, allowNull: true },
        checkInToken: { type: DataTypes.STRING(64), allowNull: false },
        ...stamps,
      },
      { sequelize, tableName: 'meetings' },
    );
    keepFolded(Meeting, { titleFolded: 'title' }, 500);
  }
}

/**
 * One person (or guest) invited to a meeting. A person invited through their department keeps
 * invitedDepartmentId, so that the list draws them under it. Guests without an account have
 * guestName/guestOrganisation and no userId.
 */
export class MeetingParticipant extends Model<
  InferAttributes<MeetingParticipant>,
  InferCreationAttributes<MeetingParticipant>
> {
  declare id: CreationOptional<number>;
  declare meetingId: number;
  declare userId: number | null;
  declare guestName: string | null;
  declare guestOrganisation: string | null;
  declare role: ParticipantRole;
  declare invitedDepartmentId: number | null;
  /** A member who votes (thành viên biểu quyết), with the weight of their vote. */
  declare isVoting: CreationOptional<boolean>;
  declare voteWeight: CreationOptional<number>;
  declare rsvp: CreationOptional<RsvpAnswer>;
  declare rsvpReason: CreationOptional<string | null>;
  declare deputyUserId: CreationOptional<number | null>;
  declare respondedAt: CreationOptional<Date | null>;
  declare attendance: CreationOptional<Attendance | null>;
  declare attendanceReason: CreationOptional<string | null>;
  declare checkedInAt: CreationOptional<Date | null>;
  declare checkedInById: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare user?: User | null;
  declare deputy?: User | null;

  static initModel(sequelize: Sequelize): void {
    MeetingParticipant.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        meetingId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: true },
        guestName: { type: DataTypes.STRING(255), allowNull: true },
        guestOrganisation: { type: DataTypes.STRING(255), allowNull: true },
        role: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'participant' },
        invitedDepartmentId: { type: DataTypes.INTEGER, allowNull: true },
        isVoting: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        voteWeight: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        rsvp: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'pending' },
        rsvpReason: { type: DataTypes.STRING(500), allowNull: true },
        deputyUserId: { type: DataTypes.INTEGER, allowNull: true },
        respondedAt: { type: DataTypes.DATE(3), allowNull: true },
        attendance: { type: DataTypes.STRING(20), allowNull: true },
        attendanceReason: { type: DataTypes.STRING(500), allowNull: true },
        checkedInAt: { type: DataTypes.DATE(3), allowNull: true },
        checkedInById: { type: DataTypes.INTEGER, allowNull: true },
        ...stamps,
      },
      { sequelize, tableName: 'meeting_participants' },
    );
  }
}

export class MeetingItem extends Model<
  InferAttributes<MeetingItem>,
  InferCreationAttributes<MeetingItem>
> {
  declare id: CreationOptional<number>;
  declare meetingId: number;
  declare position: number;
  declare title: string;
  declare presenterId: number | null;
  declare presenterName: string | null;
  declare plannedMinutes: number | null;
  /** Độ mật of the item (0 thường … 3 tuyệt mật): its documents reach cleared participants only. */
  declare confidentiality: CreationOptional<number>;
  declare status: CreationOptional<ItemStatus>;
  declare withdrawnAt: CreationOptional<Date | null>;
  /** Why the organiser withdrew the item (shown to the organisers beside it). */
  declare withdrawnReason: CreationOptional<string | null>;
  declare startedAt: CreationOptional<Date | null>;
  declare endedAt: CreationOptional<Date | null>;
  /** The item timer (the live room): running since timerStartedAt, plus what ran before a stop. */
  declare timerStartedAt: CreationOptional<Date | null>;
  declare timerElapsedSeconds: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare presenter?: User | null;

  static initModel(sequelize: Sequelize): void {
    MeetingItem.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        meetingId: { type: DataTypes.INTEGER, allowNull: false },
        position: { type: DataTypes.INTEGER, allowNull: false },
        title: { type: DataTypes.STRING(500), allowNull: false },
        presenterId: { type: DataTypes.INTEGER, allowNull: true },
        presenterName: { type: DataTypes.STRING(255), allowNull: true },
        plannedMinutes: { type: DataTypes.INTEGER, allowNull: true },
        confidentiality: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'planned' },
        withdrawnAt: { type: DataTypes.DATE(3), allowNull: true },
        withdrawnReason: { type: DataTypes.STRING(500), allowNull: true },
        startedAt: { type: DataTypes.DATE(3), allowNull: true },
        endedAt: { type: DataTypes.DATE(3), allowNull: true },
        timerStartedAt: { type: DataTypes.DATE(3), allowNull: true },
        timerElapsedSeconds: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        ...stamps,
      },
      { sequelize, tableName: 'meeting_items' },
    );
  }
}

/** A document of an agenda item: an upload, or a link to an incoming/outgoing document. */
export class MeetingItemDocument extends Model<
  InferAttributes<MeetingItemDocument>,
  InferCreationAttributes<MeetingItemDocument>
> {
  declare id: CreationOptional<number>;
  declare meetingId: number;
  declare itemId: number;
  declare title: string;
  declare fileId: number | null;
  declare originalName: string | null;
  declare linkedKind: 'incoming' | 'outgoing' | null;
  declare linkedId: number | null;
  declare addedById: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    MeetingItemDocument.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        meetingId: { type: DataTypes.INTEGER, allowNull: false },
        itemId: { type: DataTypes.INTEGER, allowNull: false },
        title: { type: DataTypes.STRING(500), allowNull: false },
        fileId: { type: DataTypes.INTEGER, allowNull: true },
        originalName: { type: DataTypes.STRING(255), allowNull: true },
        linkedKind: { type: DataTypes.STRING(20), allowNull: true },
        linkedId: { type: DataTypes.INTEGER, allowNull: true },
        addedById: { type: DataTypes.INTEGER, allowNull: false },
        ...stamps,
      },
      { sequelize, tableName: 'meeting_item_documents' },
    );
  }
}
