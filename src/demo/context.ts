import type { Agency } from '../agencies/agency.model.js';
import type { Actor } from '../http/request-context.js';
import type { User } from '../users/user.model.js';

/** What every part of the demo's scenario works with: its agencies, people and today. */
export interface DemoContext {
  agency: Agency;
  /** The commune (xã) below the district: another agency of the deployment. */
  commune: Agency;
  admin: User;
  /** Acting as a demo account, by username. */
  as: (username: string) => Actor;
  /** A department's id, by abbreviation. */
  dept: (abbr: string) => number;
  /** Every demo account but the administrator, by username. */
  users: Map<string, User>;
  /** yyyy-mm-dd in Vietnam. */
  today: string;
}

const DAY_MS = 86_400_000;

/** yyyy-mm-dd `days` from an ISO date. */
export const shiftDays = (iso: string, days: number) =>
  new Date(Date.parse(iso) + days * DAY_MS).toISOString().slice(0, 10);

/** The weekday (Monday to Friday) `days` from an ISO date, moved on from a weekend away from it. */
export function weekdayFrom(iso: string, days: number): string {
  let day = shiftDays(iso, days);
  const weekday = () => new Date(`${day}T00:00:00Z`).getUTCDay();
  while (weekday() === 0 || weekday() === 6) day = shiftDays(day, days < 0 ? -1 : 1);
  return day;
}

/** The instant of a time of day in Vietnam (UTC+7) on an ISO date. */
export const vietnamTime = (iso: string, hour: number, minute = 0) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + ((hour - 7) * 60 + minute) * 60_000);
