import type { Request } from 'express';
import type { Config } from '../config.js';
import { pathId } from '../http/params.js';
import { forForm, memoryUpload } from '../http/uploads.js';

/** A numeric document id from the path; anything else is simply not found. */
export const idParam = (req: Request, name = 'id'): number =>
  pathId(req, name, 'INCOMING_NOT_FOUND');

/** A document's files: up to ten, each within MAX_UPLOAD_MB. */
export const documentFilesUpload = (config: Config, field: string) =>
  memoryUpload(field, { fileSize: config.maxUploadBytes, files: 10, fields: 40 });

/** The pages' upload: a refusal comes back on the form (forForm). */
export const incomingUpload = (config: Config) => forForm(documentFilesUpload(config, 'files'));

/**
 * An edXML package: one XML file holding its attachments base64-encoded, so up to a third larger
 * than the largest file accepted, plus its header.
 */
export const edxmlUpload = (config: Config) =>
  forForm(
    memoryUpload('package', {
      fileSize: Math.ceil((config.maxUploadBytes * 4) / 3) + 1024 * 1024,
      files: 1,
      fields: 5,
      fieldSize: 1024,
    }),
  );
