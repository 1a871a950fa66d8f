import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { MajorityRule, QuorumRule } from './vote-rules.js';

export const VOTE_MODES = ['room', 'written'] as const;
/** room: members present when it opens vote there; written: phiếu lấy ý kiến, open until a deadline. */
export type VoteMode = (typeof VOTE_MODES)[number];
export type VoteStatus = 'open' | 'closed';
/** How a ballot came in: the member, their deputy, or the secretary (by phone, or in the room). */
export type VoteChannel = 'self' | 'deputy' | 'phone' | 'secretary';

/** A voting member as the vote saw them when it opened (who may vote, with which weight). */
export interface PresenceEntry {
  participantId: number;
  userId: number | null;
  name: string;
  weight: number;
  present: boolean;
}

/** The result kept when the vote closes: weights per option and the rule's verdict. */
export interface StoredResult {
  tallies: number[];
  counts: number[];
  total: number;
  present: number;
  cast: number;
  weighted: boolean;
  quorumMet: boolean;
  passed: boolean;
}

// The parsed value of a JSON column, kept per row while its text is unchanged: a ballot reads the
// presence snapshot (hundreds of members) several times.
const parsed = new WeakMap<Model, Map<string, { raw: string; value: unknown }>>();

const json = <T>(name: string) => ({
  type: DataTypes.TEXT,
  get(this: Model): T | null {
    const raw = this.getDataValue(name) as string | null;
    if (raw == null) return null;
    let fields = parsed.get(this);
    const known = fields?.get(name);
    if (known && known.raw === raw) return known.value as T;
    const value = JSON.parse(raw) as T;
    if (!fields) parsed.set(this, (fields = new Map()));
    fields.set(name, { raw, value });
    return value;
  },
  set(this: Model, value: T | null) {
    this.setDataValue(name, value == null ? null : JSON.stringify(value));
  },
});

export class MeetingVote extends Model<
  InferAttributes<MeetingVote>,
  InferCreationAttributes<MeetingVote>
> {
  declare id: CreationOptional<number>;
  declare meetingId: number;
  declare itemId: number | null;
  declare question: string;
  declare options: string[];
  declare isSecret: boolean;
  declare mode: VoteMode;
  declare quorumRule: QuorumRule;
  declare majorityRule: MajorityRule;
  declare deadline: Date | null;
  declare status: CreationOptional<VoteStatus>;
  declare presence: PresenceEntry[];
  declare result: CreationOptional<StoredResult | null>;
  declare openedById: number;
  declare closedById: CreationOptional<number | null>;
  declare openedAt: Date;
  declare closedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    MeetingVote.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        meetingId: { type: DataTypes.INTEGER, allowNull: false },
        itemId: { type: DataTypes.INTEGER, allowNull: true },
        question: { type: DataTypes.STRING(1000), allowNull: false },
        options: { ...json<string[]>('options'), allowNull: false },
        isSecret: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        mode: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'room' },
        quorumRule: { type: DataTypes.STRING(30), allowNull: false },
        majorityRule: { type: DataTypes.STRING(30), allowNull: false },
        deadline: { type: DataTypes.DATE(3), allowNull: true },
        status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'open' },
        presence: { ...json<PresenceEntry[]>('presence'), allowNull: false },
        result: { ...json<StoredResult>('result'), allowNull: true },
        openedById: { type: DataTypes.INTEGER, allowNull: false },
        closedById: { type: DataTypes.INTEGER, allowNull: true },
        openedAt: { type: DataTypes.DATE(3), allowNull: false },
        closedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'meeting_votes' },
    );
  }
}

/** "Has voted": one row per member and vote (unique), whoever cast it; never the choice. */
export class MeetingVoteVoter extends Model<
  InferAttributes<MeetingVoteVoter>,
  InferCreationAttributes<MeetingVoteVoter>
> {
  declare id: CreationOptional<number>;
  declare voteId: number;
  declare participantId: number;
  declare castById: number;
  declare channel: VoteChannel;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    MeetingVoteVoter.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        voteId: { type: DataTypes.INTEGER, allowNull: false },
        participantId: { type: DataTypes.INTEGER, allowNull: false },
        castById: { type: DataTypes.INTEGER, allowNull: false },
        channel: { type: DataTypes.STRING(20), allowNull: false },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'meeting_vote_voters', updatedAt: false },
    );
  }
}

/**
 * A ballot: the option and its weight. A named ballot names its member; a secret one names
 * nobody and carries the voter's receipt code instead, under a random key and no timestamps.
 */
export class MeetingVoteBallot extends Model<
  InferAttributes<MeetingVoteBallot>,
  InferCreationAttributes<MeetingVoteBallot>
> {
  declare id: string;
  declare voteId: number;
  declare optionIndex: number;
  declare weight: number;
  declare participantId: number | null;
  declare receiptCode: string | null;

  static initModel(sequelize: Sequelize): void {
    MeetingVoteBallot.init(
      {
        id: { type: DataTypes.STRING(32), primaryKey: true },
        voteId: { type: DataTypes.INTEGER, allowNull: false },
        optionIndex: { type: DataTypes.INTEGER, allowNull: false },
        weight: { type: DataTypes.INTEGER, allowNull: false },
        participantId: { type: DataTypes.INTEGER, allowNull: true },
        receiptCode: { type: DataTypes.STRING(20), allowNull: true },
      },
      { sequelize, tableName: 'meeting_vote_ballots', timestamps: false },
    );
  }
}
