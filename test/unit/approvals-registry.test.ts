import { expect } from 'chai';
import {
  approvalDocumentKind,
  registerApprovalDocumentKind,
} from '../../src/approvals/approvals.registry.js';

describe('approval document kinds', () => {
  it('refuses a second registration of a kind instead of replacing its rules', () => {
    const first = { canView: async () => false, pathOf: (id: number) => `/first/${id}` };
    registerApprovalDocumentKind('registry_unit_test', first);
    expect(() =>
      registerApprovalDocumentKind('registry_unit_test', {
        canView: async () => true,
        pathOf: (id: number) => `/second/${id}`,
      }),
    ).to.throw(/registered twice/);
    expect(approvalDocumentKind('registry_unit_test')).to.equal(first);
  });
});
