import { expect } from 'chai';
import { closeDatabase, openDatabase } from '../../src/db/index.js';
import { can } from '../../src/policy/index.js';
import { signPdf, verifyPdf } from '../../src/signing/index.js';
import { User } from '../../src/users/user.model.js';
import { verdictOf } from '../../src/verify/verify.service.js';
import { vietnamTime } from '../../src/verify/verify.view-model.js';
import { ATTACKS } from './signing/helpers/attacks.js';
import { FIXED_NOW, issue, makePdf, signerOf, testPki } from './signing/helpers/index.js';

describe('public signature check (/verify)', () => {
  describe("policy: 'verify.public'", () => {
    before(() => {
      openDatabase('sqlite::memory:');
    });
    after(async () => {
      await closeDatabase();
    });

    const person = (isActive: boolean) =>
      User.build({
        id: 1,
        agencyId: 1,
        departmentId: null,
        username: 'u1',
        fullName: 'X',
        positionTitle: null,
        email: null,
        passwordHash: 'x',
        isActive,
      }).withLoadedRoles(['specialist']);

    it('lets anyone ask: a visitor, a signed-in person, a deactivated account', () => {
      expect(can(null, 'verify.public')).to.equal(true);
      expect(can(undefined, 'verify.public')).to.equal(true);
      expect(can(person(true), 'verify.public')).to.equal(true);
      expect(can(person(false), 'verify.public')).to.equal(true);
    });

    it('leaves every other rule closed to a visitor', () => {
      expect(can(null, 'dashboard.view')).to.equal(false);
      expect(can(null, 'profile.manage')).to.equal(false);
      expect(can(person(false), 'dashboard.view')).to.equal(false);
    });
  });

  describe('verdict of a report', () => {
    const pki = testPki();
    const verify = (pdf: Buffer) =>
      verifyPdf(pdf, { trustAnchors: [pki.root.cert], now: FIXED_NOW });

    it('valid: a trusted signature, nothing changed after it', async () => {
      const signed = await signPdf(await makePdf(), { signer: signerOf(pki.rsaSigner) });
      expect(verdictOf(verify(signed))).to.equal('valid');
    });

    it('untrusted: intact, from an authority not trusted here', async () => {
      const stranger = issue(pki.otherRoot, {
        cn: 'Người ký ngoài danh sách',
        ekus: ['1.3.6.1.5.5.7.3.36'],
      });
      const signed = await signPdf(await makePdf(), {
        signer: {
          privateKey: stranger.key,
          certificate: stranger.cert,
          chain: [pki.otherRoot.cert],
        },
      });
      expect(verdictOf(verify(signed))).to.equal('untrusted');
    });

    it('modified: an unsigned revision laid a stamp over the signed page', async () => {
      const overlay = ATTACKS.find((a) => a.name === 'overlay-annotation')!;
      expect(verdictOf(verify(await overlay.build()))).to.equal('modified');
    });

    it('invalid: the signed bytes were changed', async () => {
      const signed = await signPdf(await makePdf(), { signer: signerOf(pki.ecSigner) });
      const at = signed.indexOf('/MediaBox');
      const tampered = Buffer.from(signed);
      tampered[at + 1] = 'm'.charCodeAt(0);
      expect(verdictOf(verify(tampered))).to.equal('invalid');
    });

    it('none: a PDF without signatures', async () => {
      expect(verdictOf(verify(await makePdf()))).to.equal('none');
    });
  });

  it('shows times in Vietnam time whatever the server zone', () => {
    expect(vietnamTime('2026-11-21T02:30:00Z')).to.equal('09:30:00 21/11/2026 (UTC+7)');
    expect(vietnamTime('2026-12-31T17:00:01Z')).to.equal('00:00:01 01/01/2027 (UTC+7)');
    expect(vietnamTime(undefined)).to.equal(null);
  });
});
