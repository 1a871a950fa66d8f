import { expect } from 'chai';
import { legacyMessageKey } from '../../migrations/20261215090000-add-notification-message-keys.js';
import { notificationText, renderMessage } from '../../src/notifications/notification-text.js';

const stored = (kind: string, message: string) => {
  const keyed = legacyMessageKey(kind, message);
  return keyed
    ? { message: '', messageKey: keyed.key, messageParams: JSON.stringify(keyed.params) }
    : { message, messageKey: null, messageParams: null };
};

describe('notification texts', () => {
  it('puts one stored message into the words of each language, its labels too', () => {
    const ref = {
      key: 'deliveries:notify.arrived',
      params: {
        agency: 'UBND tỉnh Gửi Thử',
        notation: '12/UBND-VP',
        subject: 'Về việc A',
        _prefix: { key: 'deliveries:notify.urgent', params: { label: { key: 'urgency.3' } } },
      },
    };
    expect(renderMessage(ref, 'vi')).to.equal(
      '[Hỏa tốc] Văn bản đến mới từ UBND tỉnh Gửi Thử: 12/UBND-VP — Về việc A',
    );
    expect(renderMessage(ref, 'en')).to.match(/^\[[^\]]+\] /);
    expect(renderMessage(ref, 'en')).to.not.equal(renderMessage(ref, 'vi'));
    expect(renderMessage({ key: 'notify:approval.approved' }, 'en')).to.equal(
      'The draft was approved',
    );
    expect(
      renderMessage({ key: 'notify:approval.approvedBy', params: { title: 'Chủ tịch ký' } }, 'vi'),
    ).to.equal('Dự thảo đã được duyệt: Chủ tịch ký');
  });

  it('keeps a text within 500 characters', () => {
    const text = renderMessage(
      { key: 'notify:outgoing.toSign', params: { subject: 'x'.repeat(900) } },
      'vi',
    );
    expect(text).to.have.length(500);
    expect(text.endsWith('…')).to.equal(true);
  });

  it('turns the fixed Vietnamese texts of before into keys, and leaves the others as written', () => {
    const urgent = stored(
      'outgoing.to_issue_urgent',
      '[KHẨN] Văn bản đã ký chờ phát hành: Về việc B',
    );
    expect(urgent.messageKey).to.equal('notify:outgoing.toIssue');
    expect(notificationText(urgent, 'vi')).to.equal(
      '[KHẨN] Văn bản đã ký chờ phát hành: Về việc B',
    );
    expect(notificationText(urgent, 'en')).to.equal(
      '[URGENT] A signed document waits for issuance: Về việc B',
    );
    const reminder = stored(
      'approval.reminder',
      'Nhắc việc: 3 văn bản chờ cho ý kiến đã quá hạn, 1 đến hạn hôm nay',
    );
    expect(notificationText(reminder, 'en')).to.equal(
      'Reminder: 3 documents waiting for your opinion are overdue, 1 are due today',
    );
    const issued = stored('outgoing.issued', 'Văn bản số 05/QĐ-UBND đã được ban hành: Về việc C');
    expect(notificationText(issued, 'vi')).to.equal(
      'Văn bản số 05/QĐ-UBND đã được ban hành: Về việc C',
    );
    expect(stored('incoming.presented', 'Văn bản đến số 07 được trình').messageKey).to.equal(null);
    expect(stored('approval.waiting', 'Một câu khác').messageKey).to.equal(null);
  });
});
