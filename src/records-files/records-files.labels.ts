/** Words the records files' pages and workbooks share. */
import type { Request } from 'express';

/** "Vĩnh viễn" or "10 năm". */
export const retentionLabel = (req: Request, years: number | null) =>
  years == null
    ? req.t('records-files:retention.permanent')
    : req.t('records-files:retention.years', { count: years });
