/**
 * GET /directory/export.xlsx?q= — the agency's directory as its page shows it to the person (the
 * agency's leaders, each unit's people, those of no unit; the page's search), one row a person
 * under the heading of the part they are listed in; audited as directory.export.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { listExport } from '../http/list-export.js';
import { agencyDirectory, type DirectoryPerson } from './directory.service.js';

const DirectoryQuery = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
});

/** The directory page's query, read as the page reads it. */
export const directoryQueryOf = (req: Request) => DirectoryQuery.parse(req.query);

interface DirectoryRow {
  section: string;
  person: DirectoryPerson;
  /** Whether the part shows the person's unit and place (a unit's table does). */
  inUnit: boolean;
}

export const exportDirectory = listExport<ReturnType<typeof directoryQueryOf>, DirectoryRow>({
  action: 'directory.export',
  entityType: 'user',
  fileName: 'danh-ba',
  sheet: 'list-export:directory.sheet',
  heading: 'list-export:directory.heading',
  query: directoryQueryOf,
  rows: async (req, { q }, limit) => {
    const directory = await agencyDirectory(req.user!.agencyId, q);
    const t = req.t;
    const rows: DirectoryRow[] = [
      ...directory.leaders.map((person) => ({
        section: t('directory:leadersHeading'),
        person,
        inUnit: false,
      })),
      ...directory.departments.flatMap((d) =>
        d.people.map((person) => ({ section: d.name, person, inUnit: true })),
      ),
      ...directory.unplaced.map((person) => ({
        section: t('directory:unplacedHeading'),
        person,
        inUnit: false,
      })),
    ];
    return { rows: rows.slice(0, limit), total: rows.length };
  },
  filters: (req, { q }) => (q ? [`${req.t('directory:searchLabel')}: "${q}"`] : []),
  columns: (req) => [
    { header: req.t('list-export:section'), width: 28, value: (r) => r.section },
    { header: req.t('directory:fullName'), width: 28, value: (r) => r.person.fullName },
    {
      header: req.t('list-export:directory.place'),
      width: 10,
      value: (r) => (r.inUnit ? req.t(`directory:place.${r.person.place}`) || null : null),
    },
    { header: req.t('directory:positionTitle'), width: 26, value: (r) => r.person.positionTitle },
    {
      header: req.t('directory:department'),
      width: 28,
      value: (r) => (r.inUnit ? r.person.departmentName : null),
    },
    { header: req.t('directory:email'), width: 30, value: (r) => r.person.email },
  ],
  audit: ({ q }) => ({ q }),
});
