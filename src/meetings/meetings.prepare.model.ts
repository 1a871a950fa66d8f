import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { User } from '../users/user.model.js';

const stamps = { createdAt: DataTypes.DATE(3), updatedAt: DataTypes.DATE(3) };

export const NOTE_KINDS = ['note', 'highlight'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

/** A person's private note or highlight on one page of a meeting document; nobody else sees it. */
export class MeetingNote extends Model<
  InferAttributes<MeetingNote>,
  InferCreationAttributes<MeetingNote>
> {
  declare id: CreationOptional<number>;
  declare meetingId: number;
  declare itemDocumentId: number;
  declare userId: number;
  declare page: number;
  declare kind: NoteKind;
  /** JSON {x, y, w, h}: the highlighted area as fractions of the page. */
  declare rect: string | null;
  declare text: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    MeetingNote.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        meetingId: { type: DataTypes.INTEGER, allowNull: false },
        itemDocumentId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        page: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        kind: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'note' },
        rect: { type: DataTypes.STRING(200), allowNull: true },
        text: { type: DataTypes.TEXT, allowNull: true },
        ...stamps,
      },
      { sequelize, tableName: 'meeting_notes' },
    );
  }
}

/** A question on an agenda item asked before the meeting: for the organisers and the presenter. */
export class MeetingQuestion extends Model<
  InferAttributes<MeetingQuestion>,
  InferCreationAttributes<MeetingQuestion>
> {
  declare id: CreationOptional<number>;
  declare meetingId: number;
  declare itemId: number;
  declare userId: number;
  declare text: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare asker?: User;

  static initModel(sequelize: Sequelize): void {
    MeetingQuestion.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        meetingId: { type: DataTypes.INTEGER, allowNull: false },
        itemId: { type: DataTypes.INTEGER, allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        text: { type: DataTypes.TEXT, allowNull: false },
        ...stamps,
      },
      { sequelize, tableName: 'meeting_questions' },
    );
  }
}
