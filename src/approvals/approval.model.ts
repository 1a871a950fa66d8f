import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { DocumentKind } from '../documents/document.model.js';

export type ApprovalFlowStatus = 'in_progress' | 'approved' | 'returned' | 'rejected' | 'withdrawn';
export type ApprovalStepStatus = 'waiting' | 'active' | 'done';
export type StepRule = 'all' | 'any' | 'n';
export type StepKind = 'approve' | 'consult';
/** approve/initial/return/reject at an approving step; agree/opinion at a consulted one. */
export type Decision = 'approve' | 'initial' | 'return' | 'reject' | 'agree' | 'opinion';

const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const times = { createdAt: DataTypes.DATE(3), updatedAt: DataTypes.DATE(3) };
const pk = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };

/** An administrator's chain for drafts of a document type from a department (each optional). */
export class ApprovalTemplate extends Model<
  InferAttributes<ApprovalTemplate>,
  InferCreationAttributes<ApprovalTemplate>
> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare name: string;
  declare documentType: string | null;
  declare departmentId: number | null;
  /** JSON array of StepSpec (approvals.schemas.ts). */
  declare steps: string;
  declare isActive: CreationOptional<boolean>;
  /** Whether a drafter may add consulted units and reviewers to one document's chain. */
  declare allowExtraReviewers: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ApprovalTemplate.init(
      {
        id: pk,
        agencyId: int(),
        name: str(255),
        documentType: str(10, true),
        departmentId: int(true),
        steps: { type: DataTypes.TEXT, allowNull: false },
        isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        allowExtraReviewers: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        ...times,
      },
      { sequelize, tableName: 'approval_templates' },
    );
  }
}

/** One document's way through its approval chain. */
export class ApprovalFlow extends Model<
  InferAttributes<ApprovalFlow>,
  InferCreationAttributes<ApprovalFlow>
> {
  declare id: CreationOptional<number>;
  declare agencyId: number;
  declare documentKind: DocumentKind;
  declare documentId: number;
  declare templateId: number | null;
  declare drafterId: number;
  declare status: ApprovalFlowStatus;
  declare round: CreationOptional<number>;
  declare currentPosition: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ApprovalFlow.init(
      {
        id: pk,
        agencyId: int(),
        documentKind: str(20),
        documentId: int(),
        templateId: int(true),
        drafterId: int(),
        status: str(20),
        round: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        currentPosition: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        ...times,
      },
      { sequelize, tableName: 'approval_flows' },
    );
  }
}

export class ApprovalStep extends Model<
  InferAttributes<ApprovalStep>,
  InferCreationAttributes<ApprovalStep>
> {
  declare id: CreationOptional<number>;
  declare flowId: number;
  declare position: number;
  declare title: string;
  declare kind: CreationOptional<StepKind>;
  declare rule: StepRule;
  declare required: number;
  declare days: number;
  declare dueOn: string | null;
  declare status: ApprovalStepStatus;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ApprovalStep.init(
      {
        id: pk,
        flowId: int(),
        position: int(),
        title: str(255),
        kind: { type: DataTypes.STRING(10), allowNull: false, defaultValue: 'approve' },
        rule: str(8),
        required: int(),
        days: int(),
        dueOn: { type: DataTypes.DATEONLY, allowNull: true },
        status: str(20),
        ...times,
      },
      { sequelize, tableName: 'approval_steps' },
    );
  }
}

/** What one person asked at a step said in one round (null while they have not acted). */
export class ApprovalDecision extends Model<
  InferAttributes<ApprovalDecision>,
  InferCreationAttributes<ApprovalDecision>
> {
  declare id: CreationOptional<number>;
  declare flowId: number;
  declare stepId: number;
  declare round: number;
  declare assigneeId: number;
  declare actorId: CreationOptional<number | null>;
  declare delegationId: CreationOptional<number | null>;
  declare decision: CreationOptional<Decision | null>;
  declare comment: CreationOptional<string | null>;
  declare version: CreationOptional<number | null>;
  declare decidedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ApprovalDecision.init(
      {
        id: pk,
        flowId: int(),
        stepId: int(),
        round: int(),
        assigneeId: int(),
        actorId: int(true),
        delegationId: int(true),
        decision: str(20, true),
        comment: { type: DataTypes.TEXT, allowNull: true },
        version: int(true),
        decidedAt: { type: DataTypes.DATE(3), allowNull: true },
        ...times,
      },
      { sequelize, tableName: 'approval_decisions' },
    );
  }
}
