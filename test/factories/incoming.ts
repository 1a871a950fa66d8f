import { makePdf } from '../fixtures/pdf.js';
import type { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { RegisterIncomingSchema } from '../../src/incoming/incoming.schemas.js';
import { registerIncoming } from '../../src/incoming/incoming.service.js';
import type { User } from '../../src/users/user.model.js';

type Files = Array<{ buffer: Buffer; originalName: string }>;

/**
 * A document registered by `clerk` through the service, as the form would: a letter of
 * ordinary urgency and confidentiality from the province's finance department, a possible
 * duplicate confirmed, `fields` over these (as typed in the form), with a one-page PDF unless
 * `files` (or one PDF's bytes) are given.
 */
export async function registerDocument(
  clerk: User,
  fields: Record<string, string | undefined> = {},
  files?: Files | Buffer,
): Promise<IncomingDocument> {
  const stored: Files = Buffer.isBuffer(files)
    ? [{ buffer: files, originalName: 'vb.pdf' }]
    : (files ?? [{ buffer: await makePdf(1), originalName: 'vb.pdf' }]);
  return registerIncoming(
    RegisterIncomingSchema.parse({
      fromOrganName: 'Sở Tài chính',
      documentType: 'CV',
      urgency: '0',
      confidentiality: '0',
      confirmDuplicate: '1',
      subject: 'Về việc lập dự toán ngân sách năm sau',
      ...fields,
    }),
    stored,
    { user: clerk, ip: '127.0.0.1' },
  );
}
