import { expect } from 'chai';
import { parsePlacementForm, type PageSize } from '../../../src/drafting/placement.js';
import { AppError } from '../../../src/http/app-error.js';
import { translator } from '../../../src/i18n/index.js';

const A4: PageSize = { box: [0, 0, 595.28, 841.89] };
// A page whose visible box does not start at the origin (CropBox).
const CROPPED: PageSize = { box: [60, 90, 655.28, 931.89] };
const PAGES = [A4, CROPPED];

const form = (over: Record<string, unknown> = {}) => ({
  page: '1',
  rectX: '320.5',
  rectY: '200',
  rectW: '230',
  rectH: '150',
  _csrf: 'ignored',
  ...over,
});

function refusal(body: unknown, pageCount = 2, sizes = PAGES): AppError {
  try {
    parsePlacementForm(body, pageCount, sizes);
  } catch (err) {
    expect(err).to.be.instanceOf(AppError);
    expect(err).to.include({ code: 'PLACEMENT_INVALID', status: 422 });
    return err as AppError;
  }
  throw new Error('accepted');
}

describe('posted signature placement', () => {
  it('gives the page and the rect in points', () => {
    expect(parsePlacementForm(form(), 2, PAGES)).to.deep.equal({
      page: 1,
      rect: [320.5, 200, 230, 150],
    });
    expect(
      parsePlacementForm({ ...form(), page: 2, rectX: 61, rectY: 91 }, 2, PAGES),
    ).to.deep.equal({ page: 2, rect: [61, 91, 230, 150] });
  });

  it('accepts a rect touching the page edges, and browser rounding up to half a point past them', () => {
    expect(
      parsePlacementForm(form({ rectX: '365.28', rectY: '691.89' }), 2, PAGES).rect,
    ).to.deep.equal([365.28, 691.89, 230, 150]);
    expect(parsePlacementForm(form({ rectX: '-0.4' }), 2, PAGES).rect[0]).to.equal(-0.4);
  });

  it('refuses a page outside the document, or not a whole number', () => {
    for (const page of ['0', '3', '-1', '1.5'])
      expect(refusal(form({ page })).fields).to.deep.equal({ page: 'errors:PLACEMENT_PAGE' });
    // A page the sizes do not cover (past the pages whose boxes were read) is refused too.
    expect(refusal(form({ page: '2' }), 2, [A4]).fields).to.have.property('page');
  });

  it('refuses values that are not plain finite numbers, and says which', () => {
    for (const bad of [
      'abc',
      '1e3',
      'Infinity',
      'NaN',
      '0x10',
      '1,5',
      '12345678901234',
      ' ',
      [],
      {},
    ])
      expect(refusal(form({ rectX: bad })).fields, String(bad)).to.have.property('rectX');
    expect(refusal(form({ rectW: 'abc' })).fields).to.deep.equal({
      rectW: 'errors:PLACEMENT_NUMBER',
    });
    expect(refusal({ page: '1' }).fields).to.deep.equal({
      rectX: 'errors:FIELD_REQUIRED',
      rectY: 'errors:FIELD_REQUIRED',
      rectW: 'errors:FIELD_REQUIRED',
      rectH: 'errors:FIELD_REQUIRED',
    });
    expect(refusal(undefined).fields).to.have.all.keys('page', 'rectX', 'rectY', 'rectW', 'rectH');
  });

  it('refuses an empty, negative or tiny box', () => {
    expect(refusal(form({ rectW: '0' })).fields).to.deep.equal({ rectW: 'errors:PLACEMENT_SIZE' });
    expect(refusal(form({ rectH: '-150' })).fields).to.deep.equal({
      rectH: 'errors:PLACEMENT_SIZE',
    });
    expect(refusal(form({ rectW: '9.5', rectH: '9' })).fields).to.have.all.keys('rectW', 'rectH');
  });

  it('refuses a rect reaching outside the visible page box', () => {
    expect(refusal(form({ rectX: '400' })).fields).to.deep.equal({
      rectX: 'errors:PLACEMENT_OUTSIDE',
    });
    expect(refusal(form({ rectY: '-5' })).fields).to.deep.equal({
      rectY: 'errors:PLACEMENT_OUTSIDE',
    });
    expect(refusal(form({ rectH: '900' })).fields).to.deep.equal({
      rectY: 'errors:PLACEMENT_OUTSIDE',
    });
    // Inside the MediaBox's origin but left of the CropBox.
    expect(refusal(form({ page: '2', rectX: '20', rectY: '100' })).fields).to.deep.equal({
      rectX: 'errors:PLACEMENT_OUTSIDE',
    });
  });

  it('has its messages in Vietnamese and English', () => {
    const vi = translator('vi');
    const en = translator('en');
    for (const key of [
      'PLACEMENT_INVALID',
      'PLACEMENT_NUMBER',
      'PLACEMENT_PAGE',
      'PLACEMENT_SIZE',
      'PLACEMENT_OUTSIDE',
    ]) {
      expect(vi(`errors:${key}`)).not.to.equal(key);
      expect(en(`errors:${key}`)).not.to.equal(key);
    }
    expect(vi('errors:PLACEMENT_OUTSIDE')).to.equal('Khung chữ ký nằm ngoài trang văn bản.');
  });
});
