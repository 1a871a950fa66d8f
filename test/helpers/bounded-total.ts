import { expect } from 'chai';

interface Paged {
  page: number;
  pages: number;
  total: number;
}

/**
 * A list page counted up to `bound` against the same page counted exactly: the exact total and
 * pages up to the bound; past it, bound + 1 ("more than …") and a next page while there is one.
 */
export function expectBoundedTotal(fast: Paged, exact: Paged, bound: number, what: string): void {
  expect(fast.page, what).to.equal(exact.page);
  if (exact.total <= bound) {
    expect(fast.total, what).to.equal(exact.total);
    expect(fast.pages, what).to.equal(exact.pages);
  } else {
    expect(fast.total, what).to.equal(bound + 1);
    expect(fast.pages, what).to.equal(exact.page < exact.pages ? exact.page + 1 : exact.page);
  }
}
