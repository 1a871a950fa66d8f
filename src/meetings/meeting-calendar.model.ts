import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/**
 * An invitation (giấy mời) of a meeting issued through the outgoing flow: the outgoing document
 * it became, and the start time it announced. The newest row is the meeting's invitation; an
 * older one is superseded when a new invitation follows an issued one.
 */
export class MeetingInvitation extends Model<
  InferAttributes<MeetingInvitation>,
  InferCreationAttributes<MeetingInvitation>
> {
  declare id: CreationOptional<number>;
  declare meetingId: number;
  declare outgoingId: number;
  declare createdById: number;
  declare startsAt: Date;
  declare supersededAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    MeetingInvitation.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        meetingId: { type: DataTypes.INTEGER, allowNull: false },
        outgoingId: { type: DataTypes.INTEGER, allowNull: false },
        createdById: { type: DataTypes.INTEGER, allowNull: false },
        startsAt: { type: DataTypes.DATE(3), allowNull: false },
        supersededAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'meeting_invitations' },
    );
  }
}

export const REMINDER_KINDS = ['day_before', 'hour_before'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** A reminder sent: unique per meeting, kind and start time (exactly once, in any process). */
export class MeetingReminder extends Model<
  InferAttributes<MeetingReminder>,
  InferCreationAttributes<MeetingReminder>
> {
  declare id: CreationOptional<number>;
  declare meetingId: number;
  declare kind: ReminderKind;
  declare startsAt: Date;
  declare recipients: CreationOptional<number>;
  declare sentAt: Date;

  static initModel(sequelize: Sequelize): void {
    MeetingReminder.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        meetingId: { type: DataTypes.INTEGER, allowNull: false },
        kind: { type: DataTypes.STRING(20), allowNull: false },
        startsAt: { type: DataTypes.DATE(3), allowNull: false },
        recipients: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        sentAt: { type: DataTypes.DATE(3), allowNull: false },
      },
      { sequelize, tableName: 'meeting_reminders', timestamps: false },
    );
  }
}

/** A person's iCalendar feed token; only its SHA-256 is kept, the URL is shown once. */
export class CalendarFeedToken extends Model<
  InferAttributes<CalendarFeedToken>,
  InferCreationAttributes<CalendarFeedToken>
> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare tokenHash: string;
  declare lastUsedAt: CreationOptional<Date | null>;
  declare revokedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    CalendarFeedToken.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        tokenHash: { type: DataTypes.STRING(64), allowNull: false },
        lastUsedAt: { type: DataTypes.DATE(3), allowNull: true },
        revokedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'calendar_feed_tokens', updatedAt: false },
    );
  }
}
