import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT_DIR } from '../../src/paths.js';
import { auditActionCodes } from './audit-action-codes.js';
import { auditDetailKeys } from './audit-detail-keys.js';

const auditJson = (lng: string) =>
  JSON.parse(readFileSync(path.join(ROOT_DIR, 'locales', lng, 'audit.json'), 'utf8')) as {
    action: Record<string, string>;
    field: Record<string, string>;
  };
const labels = (lng: string) => auditJson(lng).action;

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

describe('audit detail labels', () => {
  const keys = auditDetailKeys();

  it('finds the details src/ writes, in row literals and in the helpers that write rows', () => {
    // A step's data, a reminder's counts, a PIN lock and a delivery's closing among them.
    for (const key of ['previousStatus', 'tasks', 'decisions', 'holders', 'until', 'capped'])
      expect([...keys.keys()], key).to.include(key);
    expect(keys.size).to.be.greaterThan(100);
  });

  for (const lng of ['vi', 'en']) {
    it(`labels every detail in ${lng}: a page would show the field's code instead`, () => {
      const have = auditJson(lng).field;
      const missing = [...keys]
        .filter(([key]) => !have[key]?.trim())
        .map(([key, file]) => `${key} (${file})`);
      expect(missing, `missing field labels in locales/${lng}/audit.json`).to.deep.equal([]);
    });
  }
});
