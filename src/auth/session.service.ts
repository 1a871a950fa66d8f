import { Op, type Transaction } from 'sequelize';
import { Session } from './session.model.js';

/**
 * Signs a user out everywhere (a new password, an account switched off), except the session
 * that made the change when one is given. Sessions saved before sessions.userId existed are not
 * found; they end at their expiry (10 hours).
 */
export async function endSessionsOf(
  userId: number,
  transaction: Transaction,
  exceptSessionId?: string,
): Promise<number> {
  return Session.destroy({
    where: {
      userId,
      ...(exceptSessionId ? { sid: { [Op.ne]: exceptSessionId } } : {}),
    },
    transaction,
  });
}
