import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { db } from '../../src/db/index.js';
import { createMigrator } from '../../src/db/migrator.js';
import { User } from '../../src/users/user.model.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';

const MIGRATION = '20261207090000-create-user-roles';

const select = <T extends object>(sql: string, replacements: unknown[] = []) =>
  db().query<T>(sql, { replacements, type: QueryTypes.SELECT });

describe('roles table migration', () => {
  before(async () => {
    await testApp();
  });

  it('moves roles to users.roles and back, on a database in use, keeping every role', async () => {
    const agency = await buildAgency();
    const department = await buildDepartment(agency);
    const both = await buildUser(agency, ['clerk', 'leader'], { departmentId: department.id });
    const admin = await buildUser(agency, ['admin']);
    const none = await buildUser(agency, []);
    const migrator = createMigrator(db());

    await migrator.down({ to: MIGRATION });
    const columns = await db().getQueryInterface().describeTable('users');
    expect(columns).to.have.property('roles');
    expect(await db().getQueryInterface().describeTable('departments')).not.to.have.property(
      'headUserId',
    );
    const rows = await select<{ id: number; roles: string }>(
      'SELECT id, roles FROM users WHERE id IN (?, ?, ?) ORDER BY id',
      [both.id, admin.id, none.id],
    );
    expect(rows.map((r) => r.roles)).to.deep.equal(['clerk,leader', 'admin', '']);
    // A string written by hand before the migration, with spaces and a repeated role.
    await db().query("UPDATE users SET roles = ' specialist, dept_head,specialist' WHERE id = ?", {
      replacements: [none.id],
    });

    await migrator.up();
    expect(await db().getQueryInterface().describeTable('users')).not.to.have.property('roles');
    const held = await select<{ userId: number; role: string }>(
      'SELECT userId, role FROM user_roles WHERE userId IN (?, ?, ?) ORDER BY userId, role',
      [both.id, admin.id, none.id],
    );
    expect(held.map((r) => `${r.userId}:${r.role}`)).to.deep.equal([
      `${both.id}:clerk`,
      `${both.id}:leader`,
      `${admin.id}:admin`,
      `${none.id}:dept_head`,
      `${none.id}:specialist`,
    ]);
    expect((await User.findByPk(none.id))!.roleList()).to.deep.equal(['specialist', 'dept_head']);
    expect((await User.findByPk(both.id))!.hasRole('leader')).to.equal(true);

    // One row per person and role.
    const again = db().query(
      `INSERT INTO user_roles (userId, role, createdAt) VALUES (?, 'admin', ?)`,
      { replacements: [admin.id, new Date()] },
    );
    expect(await again.then(() => null).catch((err: Error) => err)).to.be.an('error');
    // The departments table kept its composite unique index (not one per column).
    const other = await buildAgency();
    await buildDepartment(other, { abbreviation: department.abbreviation });
    const twice = await buildDepartment(agency, { abbreviation: department.abbreviation })
      .then(() => null)
      .catch((err: Error) => err);
    expect(twice).to.be.an('error');
  });
});
