import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { Department } from '../agencies/agency.model.js';
import type { User } from '../users/user.model.js';
import type { Meeting } from './meeting.model.js';

export const TASK_STATUSES = ['open', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

const stamps = { createdAt: DataTypes.DATE(3), updatedAt: DataTypes.DATE(3) };

/**
 * A task made from a meeting's conclusion: held by a unit (its heads receive it) or a person,
 * due `workingDays` working days after the conclusion's date (or on a given day moved to the next
 * working day), open until its holder completes it.
 */
export class MeetingTask extends Model<
  InferAttributes<MeetingTask>,
  InferCreationAttributes<MeetingTask>
> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare meetingId: number;
  declare conclusionId: number | null;
  declare content: string;
  declare holderUserId: number | null;
  declare holderDepartmentId: number | null;
  declare assignedById: number;
  /** The conclusion's date (the meeting's day), from which the working days count. */
  declare startDate: string;
  declare workingDays: number | null;
  declare deadline: string;
  declare status: CreationOptional<TaskStatus>;
  declare progressPercent: CreationOptional<number>;
  declare completedAt: CreationOptional<Date | null>;
  declare completedById: CreationOptional<number | null>;
  declare completionNote: CreationOptional<string | null>;
  declare completionFileId: CreationOptional<number | null>;
  declare completionFileName: CreationOptional<string | null>;
  declare lastRemindedOn: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare meeting?: Meeting;
  declare holderUser?: User | null;
  declare holderDepartment?: Department | null;

  static initModel(sequelize: Sequelize): void {
    MeetingTask.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        meetingId: { type: DataTypes.INTEGER, allowNull: false },
        conclusionId: { type: DataTypes.INTEGER, allowNull: true },
        content: { type: DataTypes.TEXT, allowNull: false },
        holderUserId: { type: DataTypes.INTEGER, allowNull: true },
        holderDepartmentId: { type: DataTypes.INTEGER, allowNull: true },
        assignedById: { type: DataTypes.INTEGER, allowNull: false },
        startDate: { type: DataTypes.DATEONLY, allowNull: false },
        workingDays: { type: DataTypes.INTEGER, allowNull: true },
        deadline: { type: DataTypes.DATEONLY, allowNull: false },
        status: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'open' },
        progressPercent: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        completedAt: { type: DataTypes.DATE(3), allowNull: true },
        completedById: { type: DataTypes.INTEGER, allowNull: true },
        completionNote: { type: DataTypes.TEXT, allowNull: true },
        completionFileId: { type: DataTypes.INTEGER, allowNull: true },
        completionFileName: { type: DataTypes.STRING(255), allowNull: true },
        lastRemindedOn: { type: DataTypes.DATEONLY, allowNull: true },
        ...stamps,
      },
      { sequelize, tableName: 'meeting_tasks' },
    );
  }
}

/** The task's history: each progress report and the completion, with its note. */
export class MeetingTaskNote extends Model<
  InferAttributes<MeetingTaskNote>,
  InferCreationAttributes<MeetingTaskNote>
> {
  declare id: CreationOptional<number>;
  declare taskId: number;
  declare authorId: number;
  declare kind: 'progress' | 'done';
  declare percent: number | null;
  declare note: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare author?: User;

  static initModel(sequelize: Sequelize): void {
    MeetingTaskNote.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        taskId: { type: DataTypes.INTEGER, allowNull: false },
        authorId: { type: DataTypes.INTEGER, allowNull: false },
        kind: { type: DataTypes.STRING(10), allowNull: false },
        percent: { type: DataTypes.INTEGER, allowNull: true },
        note: { type: DataTypes.TEXT, allowNull: false },
        ...stamps,
      },
      { sequelize, tableName: 'meeting_task_notes' },
    );
  }
}
