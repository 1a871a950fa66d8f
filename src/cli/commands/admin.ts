import { loadConfig } from '../../config.js';
import { closeDatabase, openDatabase } from '../../db/index.js';
import { migrate } from '../../db/migrator.js';
import { AppError } from '../../http/app-error.js';
import { isIsoCalendarDay } from '../../http/form-fields.js';
import { parseInput } from '../../http/validate.js';
import { translator } from '../../i18n/index.js';
import { setupAgency, SetupSchema } from '../../agencies/setup.service.js';
import { primaryAgency } from '../../agencies/agencies.service.js';
import { Department } from '../../agencies/agency.model.js';
import { seedHolidays, YearSchema } from '../../calendar/calendar.service.js';
import { todayInVietnam } from '../../calendar/working-days.js';
import { sendDailyDigest } from '../../incoming/incoming.reminders.js';
import { sendTaskReminders } from '../../meetings/tasks.reminders.js';
import { User, ROLES } from '../../users/user.model.js';
import { CreateUserSchema } from '../../users/users.schemas.js';
import { createAccessToken, createUser } from '../../users/users.service.js';
import { grantAdminByOperator, resetPassword } from '../../users/user-admin.service.js';
import { parseOptions, requireOption, UsageError, type CliCommand } from '../command.js';

const CLI_ACTOR = { userId: null, ip: 'cli' };

/** An AppError in Vietnamese, with its field messages, for the terminal. */
function describeAppError(err: AppError): string {
  const t = translator('vi');
  const message = err.hasOwnMessage
    ? err.message
    : t(`errors:${err.code}`, { defaultValue: err.code, ...(err.params ?? {}) });
  const fields = Object.entries(err.fields ?? {}).map(([field, msg]) => `  ${field}: ${t(msg)}`);
  return [message, ...fields].join('\n');
}

/**
 * Opens the configured database, applies pending migrations, runs the work and closes it again.
 * Expected refusals (AppError) print their Vietnamese message: invalid values (422) exit 2, others 1.
 */
async function withDatabase(work: () => Promise<number | void>): Promise<number> {
  const config = loadConfig();
  const sequelize = openDatabase(config.databaseUrl);
  try {
    await migrate(sequelize);
    return (await work()) ?? 0;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    console.error(`Lỗi: ${describeAppError(err)}`);
    return err.status === 422 ? 2 : 1;
  } finally {
    await closeDatabase();
  }
}

function integerOption(
  raw: string | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} phải là số nguyên từ ${min} đến ${max}`);
  }
  return value;
}

const setup: CliCommand = {
  summary: 'Create the agency and its first administrator (like the setup form)',
  usage:
    'setup --agency-name N --agency-code C --agency-abbr A --admin-username U --admin-password P [--admin-full-name F]',
  async run(argv) {
    const { values } = parseOptions(argv, {
      'agency-name': { type: 'string' },
      'agency-code': { type: 'string' },
      'agency-abbr': { type: 'string' },
      'admin-username': { type: 'string' },
      'admin-password': { type: 'string' },
      'admin-full-name': { type: 'string' },
    });
    const raw = {
      agencyName: requireOption(values, 'agency-name'),
      agencyCode: requireOption(values, 'agency-code'),
      agencyAbbr: requireOption(values, 'agency-abbr'),
      adminUsername: requireOption(values, 'admin-username'),
      adminPassword: requireOption(values, 'admin-password'),
      adminFullName: values['admin-full-name'],
    };
    return withDatabase(async () => {
      const input = parseInput(SetupSchema, raw, 'vi', translator('vi'));
      const { agency, admin } = await setupAgency(input, 'cli');
      console.log(
        `Đã khởi tạo cơ quan "${agency.name}" (${agency.code}) và tài khoản quản trị "${admin.username}".`,
      );
    });
  },
};

const userCreate: CliCommand = {
  summary: 'Create a user of the agency',
  usage:
    'user:create --username U --full-name F --roles clerk,leader --password P [--department ABBR] [--title T] [--email E] [--clearance 0-3] [--agency CODE]',
  async run(argv) {
    const { values } = parseOptions(argv, {
      username: { type: 'string' },
      'full-name': { type: 'string' },
      roles: { type: 'string' },
      password: { type: 'string' },
      department: { type: 'string' },
      title: { type: 'string' },
      email: { type: 'string' },
      clearance: { type: 'string' },
      agency: { type: 'string' },
    });
    const roles = requireOption(values, 'roles')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
    if (unknown.length)
      throw new UsageError(
        `Vai trò không hợp lệ: ${unknown.join(', ')} (dùng: ${ROLES.join(', ')})`,
      );
    const raw = {
      username: requireOption(values, 'username'),
      fullName: requireOption(values, 'full-name'),
      password: requireOption(values, 'password'),
      roles,
      positionTitle: values.title ?? null,
      email: values.email ?? null,
      secretClearance: integerOption(values.clearance, 'clearance', 0, 3),
    };
    return withDatabase(async () => {
      const agency = await primaryAgency(values.agency);
      let departmentId: number | null = null;
      if (values.department) {
        const department = await Department.findOne({
          where: { agencyId: agency.id, abbreviation: values.department },
        });
        if (!department)
          throw new AppError('DEPARTMENT_NOT_FOUND', 422, undefined, {
            department: 'errors:DEPARTMENT_NOT_FOUND',
          });
        departmentId = department.id;
      }
      const input = parseInput(CreateUserSchema, { ...raw, departmentId }, 'vi', translator('vi'));
      // The operator gives the admin role itself, but, as on the page, only asks for an
      // administrator's document roles or clearance: an administrator of the agency decides.
      const { user, pendingGrant } = await createUser(agency.id, input, CLI_ACTOR, {
        byOperator: true,
      });
      console.log(
        `Đã tạo người dùng "${user.username}" (${user.fullName}), vai trò: ${user.roleList().join(',')}.`,
      );
      if (pendingGrant) console.log(translator('vi')('admin:users.grantPendingCli'));
    });
  },
};

const userGrantAdmin: CliCommand = {
  summary:
    'Make an account an active administrator (audited; how a lone administrator gets a second one)',
  usage: 'user:grant-admin USERNAME',
  async run(argv) {
    const { positionals } = parseOptions(argv, {}, true);
    if (positionals.length !== 1) throw new UsageError('Cần đúng một tên đăng nhập');
    return withDatabase(async () => {
      const { user, pendingGrant } = await grantAdminByOperator(positionals[0], CLI_ACTOR);
      const t = translator('vi');
      console.log(
        t('admin:users.adminGrantedCli', { username: user.username, name: user.fullName }),
      );
      if (pendingGrant) console.log(t('admin:users.grantPendingCli'));
    });
  },
};

const userResetPassword: CliCommand = {
  summary:
    "Set a new password for an account, an administrator's included (ends its sessions and tokens)",
  usage: 'user:reset-password USERNAME --password P',
  async run(argv) {
    const { values, positionals } = parseOptions(argv, { password: { type: 'string' } }, true);
    if (positionals.length !== 1) throw new UsageError('Cần đúng một tên đăng nhập');
    const password = requireOption(values, 'password');
    return withDatabase(async () => {
      const user = await User.findOne({ where: { username: positionals[0] } });
      if (!user) throw new AppError('USER_NOT_FOUND', 404);
      // The operator may, where an administrator may not for another's (user.password.reset).
      await resetPassword(user.agencyId, user.id, password, CLI_ACTOR);
      console.log(
        translator('vi')('admin:users.passwordResetCli', {
          username: user.username,
          name: user.fullName,
        }),
      );
    });
  },
};

const tokenCreate: CliCommand = {
  summary: 'Create a personal access token for a user (printed as the last line)',
  usage: 'token:create USERNAME [--name N]',
  async run(argv) {
    const { values, positionals } = parseOptions(argv, { name: { type: 'string' } }, true);
    if (positionals.length !== 1) throw new UsageError('Cần đúng một tên đăng nhập');
    const name = (values.name ?? 'CLI').trim();
    if (!name || name.length > 100) throw new UsageError('--name phải có từ 1 đến 100 ký tự');
    return withDatabase(async () => {
      const user = await User.findOne({ where: { username: positionals[0] } });
      if (!user || !user.isActive) throw new AppError('USER_NOT_FOUND', 404);
      const { token } = await createAccessToken(user, name, CLI_ACTOR);
      console.log(`Đã tạo mã truy cập "${name}" cho "${user.username}". Mã chỉ hiển thị một lần:`);
      console.log(token);
    });
  },
};

const dbMigrate: CliCommand = {
  summary: 'Apply pending database migrations',
  usage: 'db:migrate',
  async run(argv) {
    parseOptions(argv, {});
    const sequelize = openDatabase(loadConfig().databaseUrl);
    try {
      const applied = await migrate(sequelize);
      console.log(
        applied.length
          ? `Đã áp dụng ${applied.length} migration:\n  ${applied.join('\n  ')}`
          : 'Cơ sở dữ liệu đã ở phiên bản mới nhất.',
      );
    } finally {
      await closeDatabase();
    }
  },
};

const holidaysSeed: CliCommand = {
  summary: "Fill a year's Vietnamese public holidays",
  usage: 'holidays:seed --year Y',
  async run(argv) {
    const { values } = parseOptions(argv, { year: { type: 'string' } });
    const parsed = YearSchema.safeParse(requireOption(values, 'year'));
    if (!parsed.success) throw new UsageError('--year phải là năm từ 2000 đến 2100');
    return withDatabase(async () => {
      const { added, lunarKnown } = await seedHolidays(parsed.data, CLI_ACTOR);
      const t = translator('vi');
      console.log(t('admin:holidays.seeded', { count: added, year: parsed.data }));
      if (!lunarKnown) console.log(t('admin:holidays.lunarUnknown', { year: parsed.data }));
    });
  },
};

const incomingRemind: CliCommand = {
  summary:
    "Send today's reminders of overdue and due-today work, incoming and meeting tasks (once a day; the server does it at DAILY_REMINDER_AT)",
  usage: 'incoming:remind [--date YYYY-MM-DD]',
  async run(argv) {
    const { values } = parseOptions(argv, { date: { type: 'string' } });
    const date = values.date as string | undefined;
    if (date !== undefined && !isIsoCalendarDay(date))
      throw new UsageError('--date phải có dạng YYYY-MM-DD');
    return withDatabase(async () => {
      const run = await sendDailyDigest(date);
      const t = translator('vi');
      if (run) console.log(t('incoming:digest.sent', { day: run.day, count: run.recipients }));
      else console.log(t('incoming:digest.already', { day: date ?? todayInVietnam() }));
      // The tasks from meetings' conclusions are chased by the same daily run.
      const tasks = await sendTaskReminders(date);
      if (tasks)
        console.log(t('meetings-tasks:cli.sent', { day: tasks.day, count: tasks.recipients }));
      else console.log(t('meetings-tasks:cli.already', { day: date ?? todayInVietnam() }));
    });
  },
};

export const adminCommands: Record<string, CliCommand> = {
  setup,
  'user:create': userCreate,
  'user:grant-admin': userGrantAdmin,
  'user:reset-password': userResetPassword,
  'token:create': tokenCreate,
  'db:migrate': dbMigrate,
  'holidays:seed': holidaysSeed,
  'incoming:remind': incomingRemind,
};
