import { expect } from 'chai';
import JSZip from 'jszip';
import { zipAllowance, zipInflationProblem, ZIP_LIMITS } from '../../src/files/zip-inflation.js';
import { makeDocx } from '../interop/docx-fixture.js';

/*
 * Decompression bombs in zip uploads, told from the zip's directory alone: real zips made by
 * JSZip (a Word document, a bomb, many entries) and hand-made directories that lie.
 */

const deflated = (files: Record<string, Uint8Array | string>) => {
  const zip = new JSZip();
  for (const [name, data] of Object.entries(files)) zip.file(name, data);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
};

/** An end-of-central-directory record claiming `entries` entries at `offset`, and nothing else. */
function eocdOnly(entries: number, offset = 0): Buffer {
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries, 8);
  eocd.writeUInt16LE(entries, 10);
  eocd.writeUInt32LE(0, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), Buffer.alloc(64), eocd]);
}

/** A ZIP64 end record and locator claiming 4 billion entries, before an ordinary end record. */
function zip64Claiming(entries: number): Buffer {
  const head = Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), Buffer.alloc(60)]);
  const end64 = Buffer.alloc(56);
  end64.writeUInt32LE(0x06064b50, 0);
  end64.writeUInt32LE(entries, 32);
  end64.writeUInt32LE(0, 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeUInt32LE(head.length, 8);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(0xffff, 8);
  eocd.writeUInt16LE(0xffff, 10);
  eocd.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([head, end64, locator, eocd]);
}

describe('zip inflation bounds (DOCX uploads)', function () {
  this.timeout(30_000);

  it('accepts a Word document as drafters send it', async () => {
    const docx = await makeDocx(['QUYẾT ĐỊNH', 'Về việc phân bổ kinh phí năm 2026']);
    expect(zipInflationProblem(docx)).to.equal(null);
  });

  it('accepts what inflates within 100 times its size, and always 4 MB', async () => {
    // Text compresses ~10 times: a 3 MB part in a ~300 KB zip is within both bounds.
    const text = 'Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020. '.repeat(50_000);
    expect(zipInflationProblem(await deflated({ 'word/document.xml': text }))).to.equal(null);
    expect(zipAllowance(1000)).to.equal(ZIP_LIMITS.minAllowance);
    expect(zipAllowance(10 * 1024 * 1024)).to.equal(ZIP_LIMITS.maxInflated);
  });

  it('refuses a bomb: 60 MB of zeros in a zip of ~60 KB', async () => {
    const bomb = await deflated({
      'word/document.xml': '<w:document/>',
      'word/media/zeros.bin': new Uint8Array(60 * 1024 * 1024),
    });
    expect(bomb.length).to.be.below(200 * 1024);
    expect(zipInflationProblem(bomb)).to.equal('inflates_too_much');
  });

  it('refuses a zip of more entries than any document holds', async () => {
    const files: Record<string, string> = { 'word/document.xml': '<w:document/>' };
    for (let i = 0; i < ZIP_LIMITS.maxEntries; i++) files[`word/x${i}.xml`] = 'x';
    expect(zipInflationProblem(await deflated(files))).to.equal('too_many_entries');
  });

  it('answers at once for a directory that claims 65,535 or 4 billion entries', () => {
    expect(zipInflationProblem(eocdOnly(0xffff))).to.be.oneOf(['too_many_entries', 'unreadable']);
    expect(zipInflationProblem(zip64Claiming(0xfffffff0))).to.be.oneOf([
      'too_many_entries',
      'unreadable',
      'inflates_too_much',
    ]);
    // The walk stops at 5,000 entries: a loop over the claim would outlast the test's timeout.
  });

  it('calls what is not a zip, a truncated zip or an empty one unreadable', async () => {
    const docx = await makeDocx(['Công văn']);
    expect(zipInflationProblem(Buffer.from('PK\u0003\u0004 word/document.xml'))).to.equal(
      'unreadable',
    );
    expect(zipInflationProblem(docx.subarray(0, Math.floor(docx.length / 2)))).to.equal(
      'unreadable',
    );
    expect(zipInflationProblem(Buffer.alloc(0))).to.equal('unreadable');
    expect(zipInflationProblem(eocdOnly(0))).to.equal('unreadable');
  });
});
