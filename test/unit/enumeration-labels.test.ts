/**
 * Every value a document, a piece of work or a meeting can hold is shown by its label, in both
 * languages: a value without one prints its key ("status.sent_back" stood in the incoming
 * register's notes). The labels of one enumeration live in one place; the code builds their
 * keys from the value (t(`incoming:status.${d.status}`)), so the scan below finds every such key
 * built from a status, kind, role or form and fails on a prefix this table does not vouch for.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT_DIR } from '../../src/paths.js';
import { i18n } from '../../src/i18n/index.js';
import { COPY_FORMS } from '../../src/documents/copy-forms.js';
import { SIGNATURE_STATUSES } from '../../src/files/signature-check.js';
import { ASSIGNMENT_STATUSES, INCOMING_STATUSES } from '../../src/incoming/incoming.model.js';
import { MEETING_KINDS, MEETING_STATUSES } from '../../src/meetings/meeting.model.js';
import {
  DELIVERY_STATUSES,
  OUTGOING_STATUSES,
  RECALL_STATUSES,
} from '../../src/outgoing/outgoing.model.js';
import { PERIOD_KINDS } from '../../src/reports/on-time.period.js';
import { REGISTER_KINDS } from '../../src/registers/register.model.js';
import { LIST_KINDS } from '../../src/saved-searches/saved-search.lists.js';
import {
  RECORDS_FILE_DOCUMENT_KINDS,
  RECORDS_FILE_STATUSES,
} from '../../src/records-files/records-file.model.js';

/** Each prefix whose keys the code builds from a value, and the values it may be given. */
const LABELLED: Record<string, readonly string[]> = {
  'incoming:status': INCOMING_STATUSES,
  'incoming:assignmentStatus': [...ASSIGNMENT_STATUSES, 'read', 'unread'],
  'incoming:signature': SIGNATURE_STATUSES,
  'incoming:copyForm': COPY_FORMS,
  'outgoing:status': OUTGOING_STATUSES,
  'deliveries:status': [...DELIVERY_STATUSES, ...RECALL_STATUSES],
  'meetings:status': MEETING_STATUSES,
  'meetings:kind': MEETING_KINDS,
  'reports:period': PERIOD_KINDS,
  'registers:bookName': REGISTER_KINDS,
  'records-files:status': RECORDS_FILE_STATUSES,
  'records-files:kind': RECORDS_FILE_DOCUMENT_KINDS,
  'saved-searches:list': LIST_KINDS,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

describe('labels of what documents, work and meetings can hold', () => {
  it('has a label for every value, in Vietnamese and in English', () => {
    const missing: string[] = [];
    for (const [prefix, values] of Object.entries(LABELLED))
      for (const value of values)
        for (const lng of ['vi', 'en'])
          if (!i18n().exists(`${prefix}.${value}`, { lng }))
            missing.push(`${lng} ${prefix}.${value}`);
    expect(missing).to.deep.equal([]);
  });

  it('builds the key of a status, kind or form only under a prefix the table vouches for', () => {
    const built = /t\(`([a-zA-Z-]+:[a-zA-Z.]+)\.\$\{([^}`]*\b(?:status|Status|kind|copyForm))\}`/g;
    const found = new Map<string, string>();
    for (const file of sourceFiles(path.join(ROOT_DIR, 'src')))
      for (const m of readFileSync(file, 'utf8').matchAll(built))
        found.set(m[1], `${path.relative(ROOT_DIR, file)}: ${m[0]}`);
    // The scan itself works: it finds the keys this test was written for.
    expect([...found.keys()]).to.include.members(['incoming:status', 'meetings:kind']);
    const unvouched = [...found].filter(([prefix]) => !(prefix in LABELLED)).map(([, at]) => at);
    expect(unvouched).to.deep.equal([]);
  });
});
