import type { Sequelize } from 'sequelize';
import { Department } from '../agencies/agency.model.js';
import { User } from '../users/user.model.js';
import {
  Meeting,
  MeetingItem,
  MeetingItemDocument,
  MeetingParticipant,
  MeetingRoom,
} from './meeting.model.js';
import { MeetingConclusion, MeetingMinutes } from './meeting-minutes.model.js';
import { MeetingEventRow, MeetingSpeech } from './meeting-live.model.js';
import { MeetingVote, MeetingVoteBallot, MeetingVoteVoter } from './meeting-vote.model.js';
import { MeetingNote, MeetingQuestion } from './meetings.prepare.model.js';
import { MeetingTask, MeetingTaskNote } from './meeting-task.model.js';
import { CalendarFeedToken, MeetingInvitation, MeetingReminder } from './meeting-calendar.model.js';

/**
 * Binds the meetings module's models (called by db/index.ts). Each part of the module (live room,
 * votes, minutes, tasks) adds its models and associations here, so the module stays in its folder.
 */
export function initMeetingModels(sequelize: Sequelize): void {
  for (const model of [
    MeetingRoom,
    Meeting,
    MeetingParticipant,
    MeetingItem,
    MeetingItemDocument,
  ]) {
    model.initModel(sequelize);
  }
  Meeting.belongsTo(MeetingRoom, { foreignKey: 'roomId', as: 'room' });
  Meeting.belongsTo(User, { foreignKey: 'chairId', as: 'chair' });
  Meeting.belongsTo(User, { foreignKey: 'secretaryId', as: 'secretary' });
  Meeting.hasMany(MeetingParticipant, { foreignKey: 'meetingId', as: 'participants' });
  Meeting.hasMany(MeetingItem, { foreignKey: 'meetingId', as: 'items' });
  MeetingParticipant.belongsTo(User, { foreignKey: 'userId', as: 'user' });
  MeetingParticipant.belongsTo(User, { foreignKey: 'deputyUserId', as: 'deputy' });
  MeetingItem.belongsTo(User, { foreignKey: 'presenterId', as: 'presenter' });
  MeetingItem.hasMany(MeetingItemDocument, { foreignKey: 'itemId', as: 'documents' });
  MeetingMinutes.initModel(sequelize);
  MeetingConclusion.initModel(sequelize);
  // Votes: the vote, "has voted" and the ballots (a secret one names nobody).
  for (const model of [MeetingVote, MeetingVoteVoter, MeetingVoteBallot]) {
    model.initModel(sequelize);
  }
  MeetingVote.belongsTo(MeetingItem, { foreignKey: 'itemId', as: 'item' });
  // The live room: the event log and the speaking requests.
  MeetingEventRow.initModel(sequelize);
  MeetingSpeech.initModel(sequelize);
  MeetingSpeech.belongsTo(MeetingItem, { foreignKey: 'itemId', as: 'item' });
  MeetingSpeech.belongsTo(MeetingParticipant, { foreignKey: 'participantId', as: 'participant' });
  MeetingNote.initModel(sequelize);
  MeetingQuestion.initModel(sequelize);
  MeetingQuestion.belongsTo(User, { foreignKey: 'userId', as: 'asker' });
  // Tasks from the conclusions and their history.
  MeetingTask.initModel(sequelize);
  MeetingTaskNote.initModel(sequelize);
  MeetingTask.belongsTo(Meeting, { foreignKey: 'meetingId', as: 'meeting' });
  MeetingTask.belongsTo(User, { foreignKey: 'holderUserId', as: 'holderUser' });
  MeetingTask.belongsTo(Department, { foreignKey: 'holderDepartmentId', as: 'holderDepartment' });
  MeetingTaskNote.belongsTo(User, { foreignKey: 'authorId', as: 'author' });
  // Invitations, reminders and calendar feeds.
  for (const model of [MeetingInvitation, MeetingReminder, CalendarFeedToken]) {
    model.initModel(sequelize);
  }
}
