import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/**
 * draft (the secretary writes) → in_approval (the PDF made, signed by the secretary then the
 * chair along the approval chain) → signed. A chain returned or withdrawn brings it back to draft.
 */
export const MINUTES_STATUSES = ['draft', 'in_approval', 'signed'] as const;
export type MinutesStatus = (typeof MINUTES_STATUSES)[number];

/** The document kind of the minutes' PDF versions in document_files. */
export const MINUTES_FILE_KIND = 'meeting_minutes';

/** Where each signature goes on the minutes' PDF (page 1-based, rect in points). */
export interface MinutesSignaturePlaces {
  secretary: { page: number; rect: [number, number, number, number] };
  chair: { page: number; rect: [number, number, number, number] };
}

const stamps = { createdAt: DataTypes.DATE(3), updatedAt: DataTypes.DATE(3) };

/** The minutes (biên bản) of one meeting; `version` guards against silent overwrites. */
export class MeetingMinutes extends Model<
  InferAttributes<MeetingMinutes>,
  InferCreationAttributes<MeetingMinutes>
> {
  declare id: CreationOptional<number>;
  declare meetingId: number;
  declare body: string;
  declare status: CreationOptional<MinutesStatus>;
  /** Raised by every save; a save based on an older version is refused (409). */
  declare version: CreationOptional<number>;
  /** The current PDF (the generated one, then each signed revision). */
  declare fileId: CreationOptional<number | null>;
  /** JSON of MinutesSignaturePlaces for the current PDF. */
  declare signaturePlaces: CreationOptional<string | null>;
  /** The conclusion notice drafted from these minutes (an outgoing document). */
  declare noticeOutgoingId: CreationOptional<number | null>;
  declare updatedById: CreationOptional<number | null>;
  declare submittedAt: CreationOptional<Date | null>;
  declare signedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    MeetingMinutes.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        meetingId: { type: DataTypes.INTEGER, allowNull: false },
        body: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'draft' },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        fileId: { type: DataTypes.INTEGER, allowNull: true },
        signaturePlaces: { type: DataTypes.TEXT, allowNull: true },
        noticeOutgoingId: { type: DataTypes.INTEGER, allowNull: true },
        updatedById: { type: DataTypes.INTEGER, allowNull: true },
        submittedAt: { type: DataTypes.DATE(3), allowNull: true },
        signedAt: { type: DataTypes.DATE(3), allowNull: true },
        ...stamps,
      },
      { sequelize, tableName: 'meeting_minutes' },
    );
  }
}

/** One conclusion of a meeting (kết luận), in order; the tasks part links its tasks to it. */
export class MeetingConclusion extends Model<
  InferAttributes<MeetingConclusion>,
  InferCreationAttributes<MeetingConclusion>
> {
  declare id: CreationOptional<number>;
  declare meetingId: number;
  declare position: number;
  declare text: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    MeetingConclusion.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        meetingId: { type: DataTypes.INTEGER, allowNull: false },
        position: { type: DataTypes.INTEGER, allowNull: false },
        text: { type: DataTypes.TEXT, allowNull: false },
        ...stamps,
      },
      { sequelize, tableName: 'meeting_conclusions' },
    );
  }
}
