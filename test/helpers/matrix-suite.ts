import { Setting } from '../../src/calendar/calendar.model.js';
import { DEADLINE_SETTING_KEY } from '../../src/calendar/working-days.js';
import { buildWorld, type MatrixWorld } from './matrix-actors.js';
import { testApp } from './test-app.js';

/** A route as the matrix names it: method and path, without a trailing slash. */
export const routeKey = (method: string, path: string) =>
  `${method} ${path.length > 1 ? path.replace(/\/+$/, '') : path}`;

/**
 * The matrix's world for the suite it is called in: built once before its tests and handed to
 * `use`; after them the installation-wide default deadlines the fixtures change are put back, as
 * the other suites expect them.
 */
export function useMatrixWorld(use: (world: MatrixWorld) => void): void {
  let deadlineSetting: string | null = null;
  before(async () => {
    const { app } = await testApp();
    deadlineSetting = (await Setting.findByPk(DEADLINE_SETTING_KEY))?.value ?? null;
    use(await buildWorld(app));
  });
  after(async () => {
    if (deadlineSetting === null) await Setting.destroy({ where: { key: DEADLINE_SETTING_KEY } });
    else await Setting.upsert({ key: DEADLINE_SETTING_KEY, value: deadlineSetting });
  });
}
