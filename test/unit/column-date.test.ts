import { expect } from 'chai';
import { columnDate, createSequelize, formattedByType } from '../../src/db/sequelize.js';

describe('columnDate', () => {
  // Built only (no connection is made): the dialect and its time zone are what matter.
  const databases = {
    sqlite: createSequelize('sqlite::memory:'),
    mysql: createSequelize('mysql://nobody@127.0.0.1:1/none'),
  };
  const dates = [
    new Date(0),
    new Date('2026-12-05T16:59:59.999Z'),
    new Date('2026-12-05T17:00:00.000Z'),
    new Date('2024-02-29T23:30:00.001Z'),
    new Date('1969-12-31T23:59:59.999Z'),
    new Date('0999-01-01T00:00:00.000Z'),
    new Date('9999-12-31T16:59:59.999Z'),
    ...Array.from({ length: 200 }, (_, i) => new Date(1_700_000_000_000 + i * 7_654_321_987)),
  ];

  for (const [dialect, sequelize] of Object.entries(databases))
    it(`writes a date as the DATE(3) type does on ${dialect}`, () => {
      for (const date of dates)
        expect(columnDate(sequelize, date), date.toISOString()).to.equal(
          formattedByType(sequelize, date),
        );
    });

  after(() => Promise.all(Object.values(databases).map((s) => s.close())));
});
