import { expect } from 'chai';
import { db } from '../../src/db/index.js';
import { createMigrator } from '../../src/db/migrator.js';
import { testApp } from '../helpers/test-app.js';
describe('approvals: the migration adding step kinds and extra reviewers', () => {
  it('goes down and up again on this database', async () => {
    await testApp();
    const m = createMigrator(db());
    await m.down({ to: '20261205130000-extend-approvals' });
    const cols = Object.keys(await db().getQueryInterface().describeTable('approval_steps'));
    expect(cols).to.not.include('kind');
    await m.up();
    const again = Object.keys(await db().getQueryInterface().describeTable('approval_steps'));
    expect(again).to.include('kind');
  });
});
