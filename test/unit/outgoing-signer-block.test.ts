import { expect } from 'chai';
import { AppError } from '../../src/http/app-error.js';
import { signerBlock, type SignerBlockInput } from '../../src/outgoing/signer-block.js';

const base: SignerBlockInput = {
  form: '',
  authorityName: 'Ủy ban nhân dân',
  principalTitle: 'Chủ tịch',
  signerTitle: 'Phó Chủ tịch',
};

describe('the Decree 30 signer block by signing form (Appendix I)', () => {
  it('prints the collective for TM. and the signer’s own title under it', () => {
    expect(signerBlock({ ...base, form: 'TM', signerTitle: 'Chủ tịch' })).to.deep.equal({
      authorityPrefix: 'TM. Ủy ban nhân dân',
      title: 'Chủ tịch',
    });
  });

  it('prints the head signed for after KT., TL. and TUQ., then the signer’s own title', () => {
    expect(signerBlock({ ...base, form: 'KT' })).to.deep.equal({
      authorityPrefix: 'KT. Chủ tịch',
      title: 'Phó Chủ tịch',
    });
    for (const form of ['TL', 'TUQ'] as const)
      expect(signerBlock({ ...base, form, signerTitle: 'Chánh Văn phòng' })).to.deep.equal({
        authorityPrefix: `${form}. Chủ tịch`,
        title: 'Chánh Văn phòng',
      });
  });

  it('prints Q. with the head’s title alone', () => {
    expect(signerBlock({ ...base, form: 'Q' })).to.deep.equal({ title: 'Q. Chủ tịch' });
  });

  it('prints the title alone when the signer signs in their own name', () => {
    expect(signerBlock({ ...base, form: '', signerTitle: 'Giám đốc' })).to.deep.equal({
      title: 'Giám đốc',
    });
  });

  it('names a delegate under the delegation’s form, with their own title, inside TM.', () => {
    const delegation = { form: 'KT' as const, principalTitle: 'Chủ tịch' };
    expect(signerBlock({ ...base, form: 'TM', principalTitle: null, delegation })).to.deep.equal({
      authorityPrefix: 'TM. Ủy ban nhân dân\nKT. Chủ tịch',
      title: 'Phó Chủ tịch',
    });
    expect(
      signerBlock({ ...base, form: '', delegation: { form: 'Q', principalTitle: 'Chủ tịch' } }),
    ).to.deep.equal({ title: 'Q. Chủ tịch' });
  });

  it('refuses KT., Q., TL., TUQ. without the head signed for', () => {
    for (const form of ['KT', 'Q', 'TL', 'TUQ'] as const) {
      const refused = (() => {
        try {
          return signerBlock({ ...base, form, principalTitle: null });
        } catch (e) {
          return e;
        }
      })();
      expect(refused)
        .to.be.instanceOf(AppError)
        .and.include({ code: 'OUTGOING_PRINCIPAL_TITLE_REQUIRED' });
    }
  });
});
