// Seeds an end-to-end database from the command line (DATABASE_URL from the environment):
//   node --import tsx test/helpers/e2e-seed.ts migrate|setup|departments|users|agency <json>
// The harness prefers the operator CLI (src/cli/main.ts) for setup and users when it offers them
// and falls back to these steps otherwise; departments have no CLI command, so they come from here.
// `agency` adds a second agency of the deployment (below the first) with its departments and
// people, for the flows between agencies (see seedAgency in e2e-server.ts).
import { loadConfig } from '../../src/config.js';
import { closeDatabase, openDatabase } from '../../src/db/index.js';
import { migrate } from '../../src/db/migrator.js';
import { Agency } from '../../src/agencies/agency.model.js';
import { createChildAgency } from '../../src/agencies/agencies.service.js';
import { AgencySchema } from '../../src/agencies/agencies.schemas.js';
import { setupAgency, SetupSchema } from '../../src/agencies/setup.service.js';
import { Department } from '../../src/agencies/agency.model.js';
import { User } from '../../src/users/user.model.js';
import {
  createDepartments,
  createUsers,
  type DepartmentSpec,
  type UserSpec,
} from '../../src/demo/organisation.js';

async function main(step: string, json: string | undefined): Promise<void> {
  const config = loadConfig();
  await migrate(openDatabase(config.databaseUrl));
  const agency = await Agency.findOne({ order: [['id', 'ASC']] });
  if (step === 'setup') {
    await setupAgency(SetupSchema.parse(JSON.parse(json ?? '{}')), null);
  } else if (step === 'departments') {
    if (!agency) throw new Error('No agency: run setup first');
    await createDepartments(agency.id, JSON.parse(json ?? '[]') as DepartmentSpec[]);
  } else if (step === 'users') {
    if (!agency) throw new Error('No agency: run setup first');
    const { users, password } = JSON.parse(json ?? '{}') as { users: UserSpec[]; password: string };
    const departments = new Map(
      (await Department.findAll({ where: { agencyId: agency.id } })).map((d) => [
        d.abbreviation,
        d,
      ]),
    );
    const admin = await User.findOne({ where: { agencyId: agency.id }, order: [['id', 'ASC']] });
    await createUsers(agency.id, users, departments, password, admin?.id ?? null);
  } else if (step === 'agency') {
    if (!agency) throw new Error('No agency: run setup first');
    const input = JSON.parse(json ?? '{}') as {
      agency: unknown;
      departments: DepartmentSpec[];
      users: UserSpec[];
      password: string;
    };
    const admin = await User.findOne({ where: { agencyId: agency.id }, order: [['id', 'ASC']] });
    const child = await createChildAgency(agency.id, agency.id, AgencySchema.parse(input.agency), {
      userId: admin?.id ?? null,
      ip: null,
    });
    const departments = await createDepartments(child.id, input.departments);
    await createUsers(child.id, input.users, departments, input.password, admin?.id ?? null);
  } else if (step !== 'migrate') {
    throw new Error(`Unknown step ${step}`);
  }
  await closeDatabase();
}

main(process.argv[2] ?? 'migrate', process.argv[3]).then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
