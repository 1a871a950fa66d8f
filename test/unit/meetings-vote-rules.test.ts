import { expect } from 'chai';
import { translator } from '../../src/i18n/index.js';
import {
  decideVote,
  resultSentence,
  type MajorityRule,
  type QuorumRule,
  type VoteCounts,
} from '../../src/meetings/vote-rules.js';

const counts = (over: Partial<VoteCounts>): VoteCounts => ({
  total: 25,
  present: 25,
  cast: 25,
  tallies: [0, 0, 0],
  weighted: false,
  ...over,
});
const decide = (q: QuorumRule, m: MajorityRule, c: Partial<VoteCounts>) =>
  decideVote(q, m, counts(c));
const vi = translator('vi');
const en = translator('en');

describe('Vote rules (quorum and majority)', () => {
  it('passes 17 of 25 in favour, more than half of all, with the sentence in vi and en', () => {
    const o = decide('more_than_half', 'half_all', { present: 20, cast: 20, tallies: [17, 2, 1] });
    expect(o.passed).to.equal(true);
    expect(resultSentence(o, vi)).to.equal('Thông qua: 17/25 thành viên đồng ý, trên 1/2 tổng số');
    expect(resultSentence(o, en)).to.equal(
      'Passed: 17/25 members in favour, more than 1/2 of all members',
    );
  });

  it('does not pass at exactly half (more than half means strictly more)', () => {
    const o = decide('none', 'half_all', { total: 24, tallies: [12, 12, 0] });
    expect(o.passed).to.equal(false);
    expect(resultSentence(o, vi)).to.equal(
      'Không thông qua: 12/24 thành viên đồng ý, chưa đạt trên 1/2 tổng số',
    );
    expect(decide('none', 'half_all', { total: 24, tallies: [13, 11, 0] }).passed).to.equal(true);
  });

  it('does not pass a tie of votes cast', () => {
    const o = decide('none', 'half_cast', { cast: 10, tallies: [5, 5, 0] });
    expect(o.passed).to.equal(false);
    expect(o.base).to.equal(10);
  });

  it('counts abstentions as votes cast under "more than half of votes cast"', () => {
    expect(decide('none', 'half_cast', { cast: 9, tallies: [4, 1, 4] }).passed).to.equal(false);
    expect(decide('none', 'half_cast', { cast: 9, tallies: [5, 0, 4] }).passed).to.equal(true);
  });

  it('passes at exactly two thirds of all members, not one short', () => {
    expect(decide('none', 'two_thirds_all', { total: 24, tallies: [16, 8, 0] }).passed).to.equal(
      true,
    );
    expect(decide('none', 'two_thirds_all', { total: 24, tallies: [15, 9, 0] }).passed).to.equal(
      false,
    );
    // 25 members: two thirds is 16.67, so 17 are needed.
    expect(decide('none', 'two_thirds_all', { total: 25, tallies: [16, 0, 0] }).passed).to.equal(
      false,
    );
    const o = decide('none', 'two_thirds_all', { total: 25, tallies: [17, 0, 0] });
    expect(o.passed).to.equal(true);
    expect(resultSentence(o, vi)).to.equal(
      'Thông qua: 17/25 thành viên đồng ý, từ 2/3 tổng số trở lên',
    );
  });

  it('measures "more than half of the members present" against those present', () => {
    const o = decide('more_than_half', 'half_present', { present: 15, tallies: [8, 7, 0] });
    expect(o.passed).to.equal(true);
    expect(o.base).to.equal(15);
    expect(resultSentence(o, vi)).to.equal(
      'Thông qua: 8/15 thành viên đồng ý, trên 1/2 số thành viên có mặt',
    );
  });

  it('refuses without quorum whatever the votes, and says how many were present', () => {
    const o = decide('more_than_half', 'half_cast', { present: 12, cast: 12, tallies: [12, 0, 0] });
    expect(o.quorumMet).to.equal(false);
    expect(o.passed).to.equal(false);
    expect(resultSentence(o, vi)).to.equal(
      'Không đủ số lượng thành viên tham dự (12/25 thành viên có mặt, cần trên 1/2 tổng số)',
    );
    expect(resultSentence(o, en)).to.equal(
      'Quorum not reached (12/25 members present, more than 1/2 of all members required)',
    );
    expect(
      decide('more_than_half', 'half_cast', { present: 13, cast: 13, tallies: [13] }).quorumMet,
    ).to.equal(true);
  });

  it('needs two thirds present under the two-thirds quorum (exactly two thirds is enough)', () => {
    expect(decide('two_thirds', 'half_all', { total: 24, present: 16 }).quorumMet).to.equal(true);
    expect(decide('two_thirds', 'half_all', { total: 24, present: 15 }).quorumMet).to.equal(false);
  });

  it('never passes with nobody present or no member at all', () => {
    const none = decide('more_than_half', 'half_all', { present: 0, cast: 0, tallies: [0, 0, 0] });
    expect(none.quorumMet).to.equal(false);
    expect(none.passed).to.equal(false);
    const empty = decide('none', 'half_cast', { total: 0, present: 0, cast: 0, tallies: [0] });
    expect(empty.quorumMet).to.equal(true);
    expect(empty.passed).to.equal(false);
    expect(
      decide('two_thirds', 'two_thirds_all', { total: 0, present: 0, tallies: [0] }).passed,
    ).to.equal(false);
  });

  it('weighs votes: 3 members worth 5 of 7 carry the vote, and the sentence counts votes', () => {
    const o = decide('more_than_half', 'half_all', {
      total: 7,
      present: 7,
      cast: 7,
      tallies: [4, 3, 0],
      weighted: true,
    });
    expect(o.passed).to.equal(true);
    expect(resultSentence(o, vi)).to.equal('Thông qua: 4/7 phiếu đồng ý, trên 1/2 tổng số');
  });

  it('counts a written opinion’s answers as taking part', () => {
    const o = decide('more_than_half', 'half_all', {
      total: 10,
      present: 4,
      cast: 4,
      tallies: [4, 0, 0],
      written: true,
    });
    expect(resultSentence(o, vi)).to.equal(
      'Không đủ số lượng thành viên cho ý kiến (4/10 thành viên đã gửi phiếu, cần trên 1/2 tổng số)',
    );
  });
});
