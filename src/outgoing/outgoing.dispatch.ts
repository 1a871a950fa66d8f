import type { Transaction } from 'sequelize';
import type { Actor } from '../http/request-context.js';
import type { OutgoingDocument } from './outgoing.model.js';

/**
 * Sends an issued document to its recipients, in the issuance's transaction: each agency of
 * this deployment gets it in its clerk's queue (status 01, arrived), each department of the
 * sender's own agency is notified. (Filled in by the dispatch work.)
 */
export async function dispatchIssued(
  _document: OutgoingDocument,
  _actor: Actor,
  _transaction: Transaction,
): Promise<void> {}
