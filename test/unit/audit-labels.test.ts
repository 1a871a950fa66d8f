import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT_DIR } from '../../src/paths.js';
import { auditActionCodes } from './audit-action-codes.js';

const labels = (lng: string) =>
  (
    JSON.parse(readFileSync(path.join(ROOT_DIR, 'locales', lng, 'audit.json'), 'utf8')) as {
      action: Record<string, string>;
    }
  ).action;

describe('audit action labels (issue 11 §7)', () => {
  const { codes, unknownTemplates } = auditActionCodes();

  it('finds the action codes of src/, literal and put together', () => {
    for (const code of [
      'incoming.register',
      'incoming.direct',
      'outgoing.issue',
      'approval.approve',
      'approval_template.create',
      'outgoing.create',
      'register.export',
      'signing_key.pin_wrong',
      'user.deactivate',
    ])
      expect(codes, code).to.include(code);
    expect(codes.size).to.be.greaterThan(90);
  });

  it('knows how every code put together at run time is made', () => {
    expect(unknownTemplates, unknownTemplates.join('\n')).to.deep.equal([]);
  });

  for (const lng of ['vi', 'en']) {
    it(`has a ${lng} label for every action code`, () => {
      const have = labels(lng);
      const missing = [...codes].filter((code) => !have[code]?.trim());
      expect(missing, `missing in locales/${lng}/audit.json`).to.deep.equal([]);
    });
  }

  it('says each action in Vietnamese in the Vietnamese file', () => {
    const vi = labels('vi');
    const en = labels('en');
    const same = [...codes].filter((code) => vi[code] === en[code]);
    expect(same).to.deep.equal([]);
  });
});
