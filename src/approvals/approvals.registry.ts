import type { Transaction } from 'sequelize';
import type { User } from '../users/user.model.js';

/** What the approval pages need to know of a kind of document that goes through a chain. */
export interface ApprovalDocumentKind {
  /** Whether the user may see the document (and so its chain, and comment on it). */
  canView(user: User, id: number): Promise<boolean>;
  /** The document's page, where the approval actions send the person back. */
  pathOf(id: number): string;
  /** A short label of the document for lists ("Cần xử lý"), e.g. its subject. */
  titleOf?(id: number, transaction?: Transaction): Promise<string | null>;
  /**
   * Refuses (throws) to send the document along its returned chain again while it is not ready,
   * whichever page sends it (a DOCX draft still being made into a PDF). In the resubmission's
   * transaction.
   */
  checkResubmit?(id: number, transaction: Transaction): Promise<void>;
  /**
   * The document goes back along its returned chain only from its own page, whose submit makes
   * the file the chain decides on (meeting minutes: the saved text becomes a new PDF): the
   * approval pages don't offer "Trình lại", which would send the old file again.
   */
  resubmitsOnItsPage?: boolean;
  /** Called in the transaction of the decision that approves the whole chain. */
  onApproved?(id: number, transaction: Transaction): Promise<void>;
  /**
   * Each approval is a signature made on the document's own page (meeting minutes): the approval
   * pages may return or reject, but approve only through the kind's signing service.
   */
  decidesBySigning?: boolean;
}

const kinds = new Map<string, ApprovalDocumentKind>();

/**
 * Registers a kind of document that uses the approval engine (outgoing drafts, meeting minutes):
 * who may see one, and where its page is. A kind registers once, at import.
 */
export function registerApprovalDocumentKind(kind: string, definition: ApprovalDocumentKind): void {
  // A second registration would silently replace the first kind's rules (who may see, whether
  // approving needs a signature) for every document of that kind: refuse it.
  if (kinds.has(kind)) throw new Error(`Approval document kind "${kind}" is registered twice`);
  kinds.set(kind, definition);
}

/** The kinds registered so far, with 'outgoing' (the first user of the engine) always in. */
export function approvalDocumentKinds(): string[] {
  return [...new Set(['outgoing', ...kinds.keys()])];
}

export function approvalDocumentKind(kind: string): ApprovalDocumentKind | undefined {
  return kinds.get(kind);
}

/** The document's page: the registered one, else /<kind>/<id>. */
export function documentPath(kind: string, id: number): string {
  return kinds.get(kind)?.pathOf(id) ?? `/${kind}/${id}`;
}

/** Whether the kind's own rule lets the user see the document (false for an unregistered kind). */
export async function canViewDocument(user: User, kind: string, id: number): Promise<boolean> {
  const definition = kinds.get(kind);
  return definition ? definition.canView(user, id) : false;
}
