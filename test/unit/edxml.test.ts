import { expect } from 'chai';
import { AppError } from '../../src/http/app-error.js';
import { edxmlDate, edxmlDateTime, readEdxml } from '../../src/interop/edxml.js';
import { receptionFromEdxml } from '../../src/incoming/incoming.edxml.js';
import { buildEdxml } from '../fixtures/edxml.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(AppError);
    expect((err as AppError).status).to.equal(422);
    return (err as AppError).code;
  }
  throw new Error('expected a refusal');
}

describe('edXML packages (QCVN 102:2016)', () => {
  const pdf = Buffer.from('%PDF-1.7 test content');
  // The fixture's package is addressed to this agency code (To/OrganId).
  const HERE = '000.00.12.H41';

  it('reads the MessageHeader, the trace and base64 attachments under the edXML prefix', () => {
    const message = readEdxml(
      buildEdxml({ attachments: [{ name: 'quyết-định.pdf', content: pdf }] }),
    );
    expect(message.from).to.deep.equal({
      organId: '000.00.00.H41',
      organName: 'Sở Tài chính tỉnh Thử nghiệm',
      organizationInCharge: 'UBND tỉnh Thử nghiệm',
    });
    expect(message.to.map((o) => o.organId)).to.deep.equal(['000.00.12.H41']);
    expect(message.code).to.deep.equal({ codeNumber: '123', codeNotation: 'STC-QLNS' });
    expect(message.promulgationInfo.promulgationDate).to.equal('2026-11-02');
    expect(message.documentType.typeName).to.equal('Quyết định');
    expect(message.subject).to.equal(
      'Về việc giao dự toán ngân sách năm 2027 & kế hoạch tài chính',
    );
    expect(message.signerInfo.fullName).to.equal('Nguyễn Văn Ký');
    expect(message.dueDate).to.equal('2026-12-15');
    expect(message.otherInfo).to.deep.equal({ priority: 1, pageAmount: 3 });
    expect(message.bussinessDocType).to.equal(0);
    expect(message.attachments).to.have.length(1);
    expect(message.attachments[0].attachmentName).to.equal('quyết-định.pdf');
    expect(message.attachments[0].content.equals(pdf)).to.equal(true);
  });

  it('reads the same package without a namespace prefix', () => {
    const unprefixed = buildEdxml({ attachments: [{ name: 'a.pdf', content: pdf }] })
      .toString('utf8')
      .replace(/edXML:/g, '')
      .replace('xmlns:edXML=', 'xmlns=');
    const message = readEdxml(Buffer.from(unprefixed));
    expect(message.code.codeNumber).to.equal('123');
    expect(message.attachments[0].content.equals(pdf)).to.equal(true);
  });

  it('maps the header onto the registration form under its own names', () => {
    const reception = receptionFromEdxml(
      readEdxml(buildEdxml({ priority: 2, attachments: [{ name: 'a.pdf', content: pdf }] })),
      HERE,
    );
    expect(reception.values).to.deep.equal({
      fromOrganName: 'Sở Tài chính tỉnh Thử nghiệm',
      fromOrganId: '000.00.00.H41',
      codeNumber: '123',
      codeNotation: 'STC-QLNS',
      promulgationDate: '2026-11-02',
      promulgationPlace: 'Thử nghiệm',
      documentType: 'QĐ',
      subject: 'Về việc giao dự toán ngân sách năm 2027 & kế hoạch tài chính',
      signerName: 'Nguyễn Văn Ký',
      signerCompetence: 'KT. GIÁM ĐỐC',
      signerPosition: 'Phó Giám đốc',
      urgency: '2',
      confidentiality: '0',
      copyForm: 'original',
      pageAmount: '3',
      dueDate: '2026-12-15',
      edxmlDocumentId: '000.00.00.H41,2026/11/02,123/STC-QLNS',
    });
    expect(reception.attachments[0]).to.deep.include({ originalName: 'a.pdf' });
    expect(reception.unknownTypeName).to.equal(null);
    expect(reception.timedExpress).to.equal(false);
  });

  it('keeps "hỏa tốc hẹn giờ" (Priority 4) with the time DueDate gives, and names a type it does not know', () => {
    const reception = receptionFromEdxml(
      readEdxml(
        buildEdxml({ priority: 4, typeName: 'Văn bản lạ', dueDate: '2026/12/05 14:30:00' }),
      ),
      HERE,
    );
    expect(reception.values.urgency).to.equal('4');
    expect(reception.values.urgentDeliverBy).to.equal('2026-12-05T14:30');
    expect(reception.values.documentType).to.equal(undefined);
    expect(reception.timedExpress).to.equal(true);
    expect(reception.timedExpressWithoutTime).to.equal(false);
    expect(reception.unknownTypeName).to.equal('Văn bản lạ');
  });

  it('asks for the time of "hỏa tốc hẹn giờ" when the package gives none; no time for other priorities', () => {
    const timed = receptionFromEdxml(readEdxml(buildEdxml({ priority: 4 })), HERE);
    expect(timed.values.urgency).to.equal('4');
    expect(timed.values.urgentDeliverBy).to.equal(undefined);
    expect(timed.timedExpressWithoutTime).to.equal(true);
    const express = receptionFromEdxml(
      readEdxml(buildEdxml({ priority: 3, dueDate: '2026/12/05 14:30:00' })),
      HERE,
    );
    expect(express.values.urgency).to.equal('3');
    expect(express.values.urgentDeliverBy).to.equal(undefined);
  });

  it('maps legal normative types by their names (Nghị định, Thông tư liên tịch, Luật, Lệnh)', () => {
    for (const [name, code] of [
      ['Nghị định', 'NĐ'],
      ['Thông tư liên tịch', 'TTLT'],
      ['Luật', 'LUAT'],
      ['Bộ luật', 'BOLUAT'],
      ['Pháp lệnh', 'PHAPLENH'],
      ['Lệnh', 'L'],
      ['Nghị quyết liên tịch', 'NQLT'],
      ['Công văn', 'CV'],
    ])
      expect(
        receptionFromEdxml(readEdxml(buildEdxml({ typeName: name })), HERE).values.documentType,
      ).to.equal(code);
  });

  it('refuses a package addressed to another agency, or to nobody; accepts one of several To', () => {
    expect(codeOf(() => receptionFromEdxml(readEdxml(buildEdxml()), '000.00.99.H41'))).to.equal(
      'EDXML_NOT_ADDRESSED',
    );
    expect(codeOf(() => receptionFromEdxml(readEdxml(buildEdxml({ to: [] })), HERE))).to.equal(
      'EDXML_NO_RECIPIENT',
    );
    const several = readEdxml(buildEdxml({ to: ['000.00.99.H41', ' 000.00.12.h41 '] }));
    expect(receptionFromEdxml(several, HERE).values.codeNumber).to.equal('123');
  });

  it('reads ResponseFor as the form carries it, and refuses a hostile one', () => {
    const reception = receptionFromEdxml(
      readEdxml(
        buildEdxml({
          responseFor: [
            {
              organId: '000.00.12.H41',
              code: '45/UBND-VP',
              promulgationDate: '2026/10/20',
              documentId: '000.00.12.H41,2026/10/20,45/UBND-VP',
            },
          ],
        }),
      ),
      HERE,
    );
    expect(JSON.parse(reception.values.responseFor)).to.deep.equal([
      {
        organId: '000.00.12.H41',
        code: '45/UBND-VP',
        promulgationDate: '2026-10-20',
        documentId: '000.00.12.H41,2026/10/20,45/UBND-VP',
      },
    ]);
    const many = Array.from({ length: 21 }, (_, i) => ({ code: `${i}/UBND` }));
    expect(
      codeOf(() => receptionFromEdxml(readEdxml(buildEdxml({ responseFor: many })), HERE)),
    ).to.equal('EDXML_RESPONSE_FOR');
    const long = [{ code: 'x'.repeat(5000) }];
    expect(
      codeOf(() => receptionFromEdxml(readEdxml(buildEdxml({ responseFor: long })), HERE)),
    ).to.equal('EDXML_RESPONSE_FOR');
  });

  it('reads a time of day only when it is one ("2026/12/05 14:30"), nothing from a broken one', () => {
    expect(edxmlDateTime('2026/12/05 14:30:00')).to.equal('2026-12-05T14:30');
    expect(edxmlDateTime('2026-12-05T08:05')).to.equal('2026-12-05T08:05');
    for (const broken of [
      '2026/12/05',
      '2026/12/05 25:00',
      '2026/12/05 14:61',
      '2026/02/30 10:00',
      'x 10:00',
      null,
    ])
      expect(edxmlDateTime(broken), String(broken)).to.equal(null);
    const garbage = receptionFromEdxml(
      readEdxml(buildEdxml({ priority: 4, dueDate: '2026/13/45 99:99' })),
      HERE,
    );
    expect(garbage.values.urgentDeliverBy).to.equal(undefined);
    expect(garbage.timedExpressWithoutTime).to.equal(true);
  });

  it('refuses recalls, updates and replacements: they are not new documents', () => {
    for (const [type, code] of [
      [1, 'EDXML_RECALL'],
      [2, 'EDXML_UPDATE'],
      [3, 'EDXML_REPLACE'],
      [7, 'EDXML_NOT_NEW'],
    ] as const)
      expect(
        codeOf(() => receptionFromEdxml(readEdxml(buildEdxml({ bussinessDocType: type })), HERE)),
      ).to.equal(code);
  });

  it('refuses what is not an edXML package, each with its own reason', () => {
    const cases: [string | Buffer, string][] = [
      ['', 'EDXML_EMPTY'],
      ['   \n', 'EDXML_EMPTY'],
      ['%PDF-1.7 not xml at all', 'EDXML_NOT_XML'],
      ['<a><b></a>', 'EDXML_NOT_XML'],
      ['<html><body>Xin chào</body></html>', 'EDXML_NOT_ENVELOPE'],
      ['<edXMLEnvelope><edXMLHeader></edXMLHeader><edXMLBody/></edXMLEnvelope>', 'EDXML_NO_HEADER'],
      [
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><edXMLEnvelope>&lol2;</edXMLEnvelope>',
        'EDXML_DOCTYPE',
      ],
      [
        buildEdxml({ attachments: [{ name: 'x.pdf', content: pdf }] })
          .toString('utf8')
          .replace(/<edXML:ContentTransferEncoded>[^<]*</, '<edXML:ContentTransferEncoded>%%%<'),
        'EDXML_ATTACHMENT',
      ],
    ];
    for (const [input, code] of cases)
      expect(
        codeOf(() => readEdxml(Buffer.from(input))),
        String(input).slice(0, 40),
      ).to.equal(code);
  });

  it('reads edXML dates (yyyy/MM/dd and the common variants), and nothing that is not a day', () => {
    expect(edxmlDate('2026/11/02')).to.equal('2026-11-02');
    expect(edxmlDate('2026-1-5')).to.equal('2026-01-05');
    expect(edxmlDate('02/11/2026')).to.equal('2026-11-02');
    expect(edxmlDate('2026/11/02 09:30:00')).to.equal('2026-11-02');
    expect(edxmlDate('2026/02/30')).to.equal(null);
    expect(edxmlDate('hôm qua')).to.equal(null);
    expect(edxmlDate(null)).to.equal(null);
  });
});
