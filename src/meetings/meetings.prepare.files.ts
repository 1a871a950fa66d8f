import type { ReadStream } from 'node:fs';
import type { Request, Response } from 'express';
import type { StoredFile } from '../files/file.model.js';
import type { MeetingItemDocument } from './meeting.model.js';

/** Streams a meeting document's PDF (inline for the viewer, ?download=1 to save it). */
export function sendMeetingFile(
  req: Request,
  res: Response,
  file: { doc: MeetingItemDocument; storedFile: StoredFile; stream: ReadStream },
): void {
  const name = file.doc.originalName ?? `${file.doc.title.slice(0, 100)}.pdf`;
  const disposition = req.query.download === '1' ? 'attachment' : 'inline';
  res.set({
    'Content-Type': file.storedFile.mimeType,
    'Content-Length': String(file.storedFile.size),
    'Content-Disposition': `${disposition}; filename="document.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  // A read error after the headers went out can only end the connection.
  file.stream.on('error', () => res.destroy());
  file.stream.pipe(res);
}
