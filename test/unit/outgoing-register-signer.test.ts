import { expect } from 'chai';
import { translator } from '../../src/i18n/index.js';
import { outgoingRow, type OutgoingRegisterSource } from '../../src/registers/outgoing-register.js';

/** Column 4 (Người ký) of the outgoing register for a document signed as given. */
function signerCell(sign: Partial<OutgoingRegisterSource>): unknown {
  const source: OutgoingRegisterSource = {
    id: 1,
    codeNumber: 5,
    codeNotation: 'UBND-TCKH',
    promulgationDate: '2026-12-07',
    documentType: 'CV',
    subject: 'Về việc thử',
    signerName: 'Lê Minh Tuấn',
    signingForm: '',
    signerTitle: 'Phó Chủ tịch',
    principalTitle: null,
    authorityName: null,
    recipientNames: [],
    recipientsNote: null,
    keeperName: null,
    sentOn: null,
    urgency: 0,
    confidentiality: 0,
    status: 'issued',
    ...sign,
  };
  return outgoingRow(source, translator('vi')).cells[3];
}

describe('the outgoing register writes the signer as the signature block signs', () => {
  it('names the authority first: KT. and TL. the title signed for, TM. the body', () => {
    expect(signerCell({ signingForm: 'KT', principalTitle: 'Chủ tịch' })).to.equal(
      'KT. Chủ tịch / Phó Chủ tịch Lê Minh Tuấn',
    );
    expect(
      signerCell({
        signingForm: 'TM',
        authorityName: 'Ủy ban nhân dân',
        signerTitle: 'Chủ tịch',
        signerName: 'Trần Văn Hùng',
      }),
    ).to.equal('TM. Ủy ban nhân dân / Chủ tịch Trần Văn Hùng');
    expect(
      signerCell({ signingForm: 'TL', principalTitle: 'Chủ tịch', signerTitle: 'Chánh Văn phòng' }),
    ).to.equal('TL. Chủ tịch / Chánh Văn phòng Lê Minh Tuấn');
    // In their own name; an older draft without the title signed for.
    expect(signerCell({ signerTitle: 'Chủ tịch', signerName: 'Trần Văn Hùng' })).to.equal(
      'Chủ tịch Trần Văn Hùng',
    );
    expect(signerCell({ signingForm: 'KT' })).to.equal('KT. Phó Chủ tịch Lê Minh Tuấn');
  });
});
