import { expect } from 'chai';
import { z } from 'zod';
import {
  blankToUndefined,
  dateFieldValue,
  id,
  integer,
  isIsoCalendarDay,
  isoDate,
  level,
  parseDayMonthYear,
  requiredIsoDate,
  requiredText,
  toDecimal,
  toInteger,
  vietnamDateTime,
} from '../../src/http/form-fields.js';
import { fieldErrorsOf, parseInput } from '../../src/http/validate.js';
import { AppError } from '../../src/http/app-error.js';
import { translator } from '../../src/i18n/index.js';

const refusal = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('not refused');
};

describe('form fields: dates typed day first', () => {
  it('reads dd/mm/yyyy, d/m/yyyy and ISO, and refuses days that do not exist', () => {
    expect(parseDayMonthYear('05/03/2026')).to.equal('2026-03-05');
    expect(parseDayMonthYear('5/3/2026')).to.equal('2026-03-05');
    expect(parseDayMonthYear(' 29.02.2024 ')).to.equal('2024-02-29');
    expect(parseDayMonthYear('2026-03-05')).to.equal('2026-03-05');
    expect(parseDayMonthYear('31/02/2026')).to.equal(null);
    expect(parseDayMonthYear('03/15/2026')).to.equal(null);
    expect(parseDayMonthYear('hôm qua')).to.equal(null);
  });

  it('gives the schema an ISO date, or the Vietnamese date message', () => {
    const schema = z.object({ d: isoDate, r: requiredIsoDate });
    expect(parseInput(schema, { d: '05/03/2026', r: '2026-01-02' })).to.deep.equal({
      d: '2026-03-05',
      r: '2026-01-02',
    });
    expect(parseInput(schema, { d: '', r: '1/1/2026' }).d).to.equal(undefined);
    const err = refusal(() => parseInput(schema, { d: '2026/03/05', r: '' }));
    expect(err.fields).to.deep.equal({
      d: 'Ngày phải có dạng ngày/tháng/năm, ví dụ 05/03/2026',
      r: 'Ngày phải có dạng ngày/tháng/năm, ví dụ 05/03/2026',
    });
  });

  it('refuses days that do not exist and years outside 1900–2100, ISO or day first', () => {
    const schema = z.object({ d: isoDate });
    // In the right shape: told there is no such day, or which years are taken, not the shape.
    for (const d of ['2026-13-01', '2026-02-31', '2026-00-10', '31/02/2026', '32/13/2026']) {
      expect(refusal(() => parseInput(schema, { d })).fields, d).to.deep.equal({
        d: 'Không có ngày này trong lịch (ví dụ 31/02 hay tháng 13). Vui lòng kiểm tra lại ngày và tháng.',
      });
    }
    for (const d of ['0000-01-01', '2101-01-01', '1899-12-31', '01/01/0000']) {
      expect(refusal(() => parseInput(schema, { d })).fields, d).to.deep.equal({
        d: 'Năm phải từ 1900 đến 2100.',
      });
    }
    expect(parseInput(schema, { d: '1900-01-01' }).d).to.equal('1900-01-01');
    expect(parseInput(schema, { d: '31/12/2100' }).d).to.equal('2100-12-31');
    expect(parseInput(schema, { d: '29/02/2024' }).d).to.equal('2024-02-29');
    expect(isIsoCalendarDay('2026-02-28')).to.equal(true);
    expect(isIsoCalendarDay('2026-2-28')).to.equal(false);
    expect(parseDayMonthYear('0000-01-01')).to.equal(null);
  });

  it('reads a date and time as Vietnam time', () => {
    const at = parseInput(z.object({ at: vietnamDateTime }), { at: '05/03/2026 14:30' }).at!;
    expect(at.toISOString()).to.equal('2026-03-05T07:30:00.000Z');
    const iso = parseInput(z.object({ at: vietnamDateTime }), { at: '2026-03-05T14:30' }).at!;
    expect(iso.toISOString()).to.equal('2026-03-05T07:30:00.000Z');
    expect(
      refusal(() => parseInput(z.object({ at: vietnamDateTime }), { at: '05/03/2026 25:00' }))
        .fields!.at,
    ).to.equal('Giờ phải có dạng giờ:phút, ví dụ 14:30');
    const said = (at: string) =>
      refusal(() => parseInput(z.object({ at: vietnamDateTime }), { at })).fields!.at;
    expect(said('31/02/2026 10:00')).to.match(/^Không có ngày này trong lịch/);
    expect(said('01/01/0000 10:00')).to.equal('Năm phải từ 1900 đến 2100.');
    expect(said('sáng mai')).to.match(/^Thời điểm phải có dạng ngày\/tháng\/năm giờ:phút/);
  });

  it('shows a date field as dd/mm/yyyy, keeping what was typed', () => {
    expect(dateFieldValue('2026-03-05')).to.equal('05/03/2026');
    expect(dateFieldValue(new Date('2026-03-04T20:00:00Z'))).to.equal('05/03/2026');
    expect(dateFieldValue('5/3/26')).to.equal('5/3/26');
    expect(dateFieldValue(undefined)).to.equal('');
  });
});

describe('form refusals in plain Vietnamese', () => {
  it('never shows a validator text: every issue gets our own words', () => {
    const schema = z.object({
      name: z.string().min(1).max(5),
      code: z.string().min(3),
      count: z.coerce.number().int().min(1).max(10),
      kind: z.enum(['a', 'b']),
      email: z.email(),
      missing: z.string(),
      list: z.array(z.string()).min(1),
      shaped: z.string().regex(/^x+$/),
    });
    const err = refusal(() =>
      parseInput(schema, {
        name: 'quá dài ở đây',
        code: 'ab',
        count: '99',
        kind: 'c',
        email: 'không',
        list: [],
        shaped: 'y',
      }),
    );
    expect(err.fields).to.deep.equal({
      name: 'Không được dài quá 5 ký tự.',
      code: 'Cần ít nhất 3 ký tự.',
      count: 'Không được lớn hơn 10.',
      kind: 'Vui lòng chọn một giá trị trong danh sách.',
      email: 'Địa chỉ email không hợp lệ, ví dụ ten@coquan.gov.vn',
      missing: 'Vui lòng nhập thông tin này.',
      list: 'Vui lòng chọn ít nhất một mục.',
      shaped: 'Giá trị chưa đúng định dạng.',
    });
    for (const message of Object.values(err.fields!))
      expect(message).not.to.match(/mong đợi|nhận được|Invalid|expected/i);
  });

  it("keeps a schema's own message key, and speaks English when asked", () => {
    const schema = z.object({ p: z.string().min(8, 'errors:PASSWORD_TOO_SHORT'), n: z.number() });
    expect(refusal(() => parseInput(schema, { p: 'a', n: 'x' })).fields).to.deep.equal({
      p: 'Mật khẩu phải có ít nhất 8 ký tự.',
      n: 'Phải là một số.',
    });
    expect(refusal(() => parseInput(schema, { p: 'a', n: 'x' }, 'en')).fields!.n).to.equal(
      'Must be a number.',
    );
    // A zod error from elsewhere: our words too, never zod's.
    const result = schema.safeParse({ p: 'a' });
    expect(fieldErrorsOf(result.error!)).to.deep.equal({
      p: 'Mật khẩu phải có ít nhất 8 ký tự.',
      n: 'Vui lòng nhập thông tin này.',
    });
    expect(fieldErrorsOf(result.error!, translator('en')).n).to.equal('Please fill this in.');
  });
});

describe('form fields: text that shows nothing is blank', () => {
  it('refuses a required text of zero-width spaces, controls or bidi marks, and strips hidden controls from what it keeps', () => {
    const required = requiredText(100);
    for (const hidden of ['\u200b\u200b', '\u0007\u0008', ' \u202e\u2066 ', '\ufeff', '\u00ad'])
      expect(required.safeParse(hidden).success, JSON.stringify(hidden)).to.equal(false);
    expect(required.parse('  Công văn \u202egửi\u0007 sở ')).to.equal('Công văn gửi sở');
    expect(required.parse('Dòng 1\nDòng 2')).to.equal('Dòng 1\nDòng 2');
    expect(blankToUndefined('\u200b')).to.equal(undefined);
    expect(blankToUndefined('Hà Nội')).to.equal('Hà Nội');
  });
});

describe('form fields: one strict parser for numbers', () => {
  const schema = z.object({ n: integer(z.number().int().min(-5).max(100).optional()), i: id });
  it('takes a safe integer or decimal digits, nothing else', () => {
    expect(parseInput(schema, { n: 40, i: '6' })).to.deep.equal({ n: 40, i: 6 });
    expect(parseInput(schema, { n: '-3', i: 6 })).to.deep.equal({ n: -3, i: 6 });
    expect(parseInput(schema, { n: '', i: '1' })).to.deep.equal({ n: undefined, i: 1 });
    for (const n of [true, [40], '0x20', '1e1', ' 6', '6.0', '+6', { n: 1 }, 1.5, '٣']) {
      expect(
        refusal(() => parseInput(schema, { n, i: 1 })).fields,
        JSON.stringify(n),
      ).to.deep.equal({ n: 'Phải là một số.' });
    }
    expect(Number.isNaN(toInteger(2 ** 53))).to.equal(true);
    expect(parseInput(z.object({ l: level }), {}).l).to.equal(0);
    expect(refusal(() => parseInput(z.object({ l: level }), { l: true })).fields).to.deep.equal({
      l: 'Phải là một số.',
    });
  });
  it('reads a fraction only as digits with one point', () => {
    expect(toDecimal('0.5')).to.equal(0.5);
    expect(toDecimal(0.25)).to.equal(0.25);
    for (const v of ['1e-1', '0x1', '.5', true, [1]])
      expect(Number.isNaN(toDecimal(v)), String(v)).to.equal(true);
  });
});
