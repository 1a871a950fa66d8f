import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { MeetingItem, MeetingParticipant } from './meeting.model.js';

const json = (field: string, allowNull: boolean) => ({
  type: DataTypes.TEXT,
  allowNull,
  get(this: Model): unknown {
    const raw = this.getDataValue(field) as string | null;
    return raw == null ? null : (JSON.parse(raw) as unknown);
  },
  set(this: Model, value: unknown) {
    this.setDataValue(field, value == null ? null : JSON.stringify(value));
  },
});

/**
 * One entry of a meeting's event log: its id is the server-sent event id. A person not cleared
 * for `clearance` sees redactedData instead (nothing when it is null); audience 'organisers'
 * keeps the event to the chair, the secretary and the organiser.
 */
export class MeetingEventRow extends Model<
  InferAttributes<MeetingEventRow>,
  InferCreationAttributes<MeetingEventRow>
> {
  declare id: CreationOptional<number>;
  declare meetingId: number;
  declare type: string;
  declare data: Record<string, unknown>;
  declare clearance: CreationOptional<number>;
  declare redactedData: CreationOptional<Record<string, unknown> | null>;
  declare audience: CreationOptional<'organisers' | null>;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    MeetingEventRow.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        meetingId: { type: DataTypes.INTEGER, allowNull: false },
        type: { type: DataTypes.STRING(60), allowNull: false },
        data: json('data', false),
        clearance: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        redactedData: json('redactedData', true),
        audience: { type: DataTypes.STRING(20), allowNull: true },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'meeting_events', updatedAt: false },
    );
  }
}

export const SPEECH_STATUSES = ['queued', 'speaking', 'done', 'withdrawn', 'declined'] as const;
export type SpeechStatus = (typeof SPEECH_STATUSES)[number];

/** A request to speak (đăng ký phát biểu) on an agenda item, and the floor given for it. */
export class MeetingSpeech extends Model<
  InferAttributes<MeetingSpeech>,
  InferCreationAttributes<MeetingSpeech>
> {
  declare id: CreationOptional<number>;
  declare meetingId: number;
  declare itemId: number;
  declare participantId: number;
  /** Who asked: the invitee, or the deputy they sent. */
  declare requestedById: number | null;
  declare requestedAt: Date;
  declare grantedAt: CreationOptional<Date | null>;
  declare startedAt: CreationOptional<Date | null>;
  declare endedAt: CreationOptional<Date | null>;
  declare allottedSeconds: CreationOptional<number | null>;
  declare status: CreationOptional<SpeechStatus>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare item?: MeetingItem;
  declare participant?: MeetingParticipant;

  static initModel(sequelize: Sequelize): void {
    MeetingSpeech.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        meetingId: { type: DataTypes.INTEGER, allowNull: false },
        itemId: { type: DataTypes.INTEGER, allowNull: false },
        participantId: { type: DataTypes.INTEGER, allowNull: false },
        requestedById: { type: DataTypes.INTEGER, allowNull: true },
        requestedAt: { type: DataTypes.DATE(3), allowNull: false },
        grantedAt: { type: DataTypes.DATE(3), allowNull: true },
        startedAt: { type: DataTypes.DATE(3), allowNull: true },
        endedAt: { type: DataTypes.DATE(3), allowNull: true },
        allottedSeconds: { type: DataTypes.INTEGER, allowNull: true },
        status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'queued' },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'meeting_speeches' },
    );
  }
}
