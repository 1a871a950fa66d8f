/**
 * The sender directory (danh bạ nơi gửi) of an agency:
 *   listSenders(agencyId, { q?, limit? }) → Sender[]
 *   rememberSender(agencyId, { name, code? }, actor, options?) → Sender | null   (registrations, edXML)
 *   createSender(agencyId, SenderInput, actor, options?) → Sender
 *   updateSender(agencyId, id, SenderInput, actor, options?) → Sender
 *   deleteSender(agencyId, id, actor, options?) → Sender
 * Every change is audited (sender.create|update|delete), the ones learned from a document too.
 */
import { Op } from 'sequelize';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import { requiredText } from '../http/form-fields.js';
import { Sender } from './sender.model.js';
import { normaliseOrganCode, normaliseOrganName } from './sender-names.js';

export const SenderSchema = z.object({
  name: requiredText(255),
  code: z.preprocess(
    (v) => (typeof v === 'string' ? (normaliseOrganCode(v) ?? undefined) : v),
    z
      .string()
      .regex(/^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$/, 'errors:AGENCY_CODE_FORMAT')
      .optional(),
  ),
});
export type SenderInput = z.infer<typeof SenderSchema>;

interface AuditActor {
  userId: number;
  ip: string | null;
}

/** The agency's senders, by name; with q, those whose name or code contains it (any accents). */
export async function listSenders(
  agencyId: number,
  { q, limit = 500 }: { q?: string; limit?: number } = {},
): Promise<Sender[]> {
  const key = normaliseOrganName(q);
  const code = normaliseOrganCode(q);
  return Sender.findAll({
    where: {
      agencyId,
      ...(key
        ? {
            [Op.or]: [
              { nameKey: { [Op.like]: `%${key.replace(/[%_\\]/g, '')}%` } },
              ...(code ? [{ code: { [Op.like]: `${code.replace(/[%_\\]/g, '')}%` } }] : []),
            ],
          }
        : {}),
    },
    order: [['name', 'ASC']],
    limit,
  });
}

/**
 * Keeps a sender seen on a registration or an edXML package: a new one is added; a known one
 * (same code, else same name) gets the code it lacked. Nothing is done without a name. Each
 * change is audited for the person whose document taught it.
 */
export async function rememberSender(
  agencyId: number,
  sender: { name?: string | null; code?: string | null },
  actor: { userId: number; ip: string | null },
  options?: TxOptions,
): Promise<Sender | null> {
  const name = (sender.name ?? '').trim().slice(0, 255);
  const nameKey = normaliseOrganName(name).slice(0, 255);
  if (!nameKey) return null;
  const rawCode = normaliseOrganCode(sender.code);
  const code = rawCode && rawCode.length <= 13 ? rawCode : null;
  return withTransaction(db(), options, async (transaction) => {
    const known =
      (code && (await Sender.findOne({ where: { agencyId, code }, transaction }))) ||
      (await Sender.findOne({ where: { agencyId, nameKey }, transaction }));
    const audit = (action: string, id: number, details: Record<string, unknown>) =>
      recordAudit(
        {
          action,
          ...actor,
          entityType: 'sender',
          entityId: id,
          details: { ...details, learned: true },
        },
        { transaction },
      );
    if (known) {
      if (code && !known.code) {
        await known.update({ code }, { transaction });
        await audit('sender.update', known.id, { code: [null, code] });
      }
      return known;
    }
    // Registrations run side by side: a sender another one is adding just now is left to it
    // (INSERT IGNORE / OR IGNORE on the unique name key, never an error for the registration).
    await Sender.bulkCreate([{ agencyId, name, nameKey, code }], {
      ignoreDuplicates: true,
      transaction,
    });
    const added = await Sender.findOne({ where: { agencyId, nameKey }, transaction });
    if (added) await audit('sender.create', added.id, { name, code });
    return added;
  });
}

async function refuseTaken(
  agencyId: number,
  nameKey: string,
  exceptId: number | undefined,
  transaction: TxOptions['transaction'],
) {
  const taken = await Sender.findOne({
    where: { agencyId, nameKey, ...(exceptId ? { id: { [Op.ne]: exceptId } } : {}) },
    transaction,
  });
  if (taken) throw new AppError('SENDER_EXISTS', 422, undefined, { name: 'errors:SENDER_EXISTS' });
}

export async function createSender(
  agencyId: number,
  input: SenderInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<Sender> {
  return withTransaction(db(), options, async (transaction) => {
    const nameKey = normaliseOrganName(input.name);
    await refuseTaken(agencyId, nameKey, undefined, transaction);
    const sender = await Sender.create(
      { agencyId, name: input.name, nameKey, code: input.code ?? null },
      { transaction },
    );
    await recordAudit(
      {
        action: 'sender.create',
        ...actor,
        entityType: 'sender',
        entityId: sender.id,
        details: { ...input },
      },
      { transaction },
    );
    return sender;
  });
}

async function findOwn(agencyId: number, id: number, transaction: TxOptions['transaction']) {
  const sender = await Sender.findOne({ where: { id, agencyId }, transaction });
  if (!sender) throw new AppError('NOT_FOUND', 404);
  return sender;
}

export async function updateSender(
  agencyId: number,
  id: number,
  input: SenderInput,
  actor: AuditActor,
  options?: TxOptions,
): Promise<Sender> {
  return withTransaction(db(), options, async (transaction) => {
    const sender = await findOwn(agencyId, id, transaction);
    const nameKey = normaliseOrganName(input.name);
    await refuseTaken(agencyId, nameKey, id, transaction);
    const before = { name: sender.name, code: sender.code };
    await sender.update({ name: input.name, nameKey, code: input.code ?? null }, { transaction });
    await recordAudit(
      {
        action: 'sender.update',
        ...actor,
        entityType: 'sender',
        entityId: id,
        details: { before, after: { name: input.name, code: input.code ?? null } },
      },
      { transaction },
    );
    return sender;
  });
}

export async function deleteSender(
  agencyId: number,
  id: number,
  actor: AuditActor,
  options?: TxOptions,
): Promise<Sender> {
  return withTransaction(db(), options, async (transaction) => {
    const sender = await findOwn(agencyId, id, transaction);
    await sender.destroy({ transaction });
    await recordAudit(
      {
        action: 'sender.delete',
        ...actor,
        entityType: 'sender',
        entityId: id,
        details: { name: sender.name, code: sender.code },
      },
      { transaction },
    );
    return sender;
  });
}
