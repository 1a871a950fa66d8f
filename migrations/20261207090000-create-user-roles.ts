import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';

// The organisation directory: a person's roles in their own table (one row per role, found by
// role with an index) instead of a comma-separated string, and each department's head
// (trưởng phòng) and deputies (phó trưởng phòng), as Decree 30 units have one head and several
// deputies.
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const dialect = qi.sequelize.getDialect();
  await qi.createTable('user_roles', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    userId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'users', key: 'id' },
      onDelete: 'CASCADE',
    },
    role: { type: DataTypes.STRING(32), allowNull: false },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('user_roles', ['userId', 'role'], {
    unique: true,
    name: 'user_roles_user_role',
  });
  await qi.addIndex('user_roles', ['role'], { name: 'user_roles_role' });

  const users = await qi.sequelize.query<{ id: number; roles: string | null }>(
    'SELECT id, roles FROM users',
    { type: QueryTypes.SELECT },
  );
  const now = new Date();
  const rows = users.flatMap((u) =>
    [
      ...new Set(
        String(u.roles ?? '')
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean),
      ),
    ].map((role) => ({ userId: u.id, role, createdAt: now })),
  );
  for (let i = 0; i < rows.length; i += 500) {
    await qi.bulkInsert('user_roles', rows.slice(i, i + 500));
  }
  // Not removeColumn: on SQLite it rebuilds the table (and the users table is referenced by
  // triggers and most other tables). users.roles has no index; both databases drop it in place.
  await qi.sequelize.query('ALTER TABLE users DROP COLUMN roles');

  // The head is a column of its department: one per department, by construction.
  if (dialect === 'sqlite') {
    await qi.sequelize.query(
      'ALTER TABLE departments ADD COLUMN headUserId INTEGER NULL REFERENCES users (id) ON DELETE SET NULL',
    );
  } else {
    await qi.sequelize.query('ALTER TABLE departments ADD COLUMN headUserId INTEGER NULL');
    await qi.sequelize.query(
      `ALTER TABLE departments ADD CONSTRAINT departments_head_user_fk
         FOREIGN KEY (headUserId) REFERENCES users (id) ON DELETE SET NULL`,
    );
  }
  await qi.createTable('department_deputies', {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false },
    departmentId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'departments', key: 'id' },
      onDelete: 'CASCADE',
    },
    userId: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'users', key: 'id' },
      onDelete: 'CASCADE',
    },
    createdAt: { type: DataTypes.DATE(3), allowNull: false },
  });
  await qi.addIndex('department_deputies', ['departmentId', 'userId'], {
    unique: true,
    name: 'department_deputies_department_user',
  });
  await qi.addIndex('department_deputies', ['userId'], { name: 'department_deputies_user' });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  const dialect = qi.sequelize.getDialect();
  await qi.dropTable('department_deputies');
  if (dialect !== 'sqlite') {
    await qi.sequelize.query('ALTER TABLE departments DROP FOREIGN KEY departments_head_user_fk');
  }
  // SQLite drops a column whose own REFERENCES clause names another table; MariaDB drops the
  // index its foreign key had with the column.
  await qi.sequelize.query('ALTER TABLE departments DROP COLUMN headUserId');

  await qi.addColumn('users', 'roles', {
    type: DataTypes.STRING(255),
    allowNull: false,
    defaultValue: '',
  });
  const rows = await qi.sequelize.query<{ userId: number; role: string }>(
    'SELECT userId, role FROM user_roles ORDER BY userId, id',
    { type: QueryTypes.SELECT },
  );
  const byUser = new Map<number, string[]>();
  for (const row of rows) {
    const list = byUser.get(Number(row.userId)) ?? [];
    list.push(row.role);
    byUser.set(Number(row.userId), list);
  }
  for (const [userId, roles] of byUser) {
    await qi.sequelize.query('UPDATE users SET roles = ? WHERE id = ?', {
      replacements: [roles.join(','), userId],
    });
  }
  await qi.dropTable('user_roles');
}
