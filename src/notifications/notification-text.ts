import { translator } from '../i18n/index.js';

/** A text to be put into words in its reader's language: an i18n key and its parameters. */
export interface MessageRef {
  key: string;
  params?: MessageParams;
}

/**
 * A text's parameters: plain values, or texts of their own (a label such as an urgency, put into
 * words in the same language). `_prefix` is a text put before the message (e.g. "[Hỏa tốc] ").
 */
export type MessageParam = string | number | boolean | null | MessageRef;
export type MessageParams = { [name: string]: MessageParam };

export const MESSAGE_MAX = 500;

const shorten = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

const isRef = (value: unknown): value is MessageRef =>
  typeof value === 'object' && value !== null && typeof (value as MessageRef).key === 'string';

/** Puts a message into words in one language (Vietnamese unless told otherwise). */
export function renderMessage(ref: MessageRef, lng?: string): string {
  const t = translator(lng) as unknown as (key: string, options?: object) => string;
  const render = (r: MessageRef): string => {
    const values: Record<string, unknown> = {};
    let prefix = '';
    for (const [name, value] of Object.entries(r.params ?? {})) {
      const text = isRef(value) ? render(value) : value;
      if (name === '_prefix') prefix = String(text ?? '');
      else values[name] = text;
    }
    return prefix + t(r.key, values);
  };
  return shorten(render(ref), MESSAGE_MAX);
}

/** What a stored notification says to a reader of `lng`: its key put into words, or its old text. */
export function notificationText(
  row: { messageKey?: string | null; messageParams?: string | null; message: string },
  lng?: string,
): string {
  if (!row.messageKey) return row.message;
  let params: MessageParams = {};
  try {
    params = row.messageParams ? (JSON.parse(row.messageParams) as MessageParams) : {};
  } catch {
    params = {};
  }
  return renderMessage({ key: row.messageKey, params }, lng);
}

/** Parameters given loosely (Record<string, unknown>) as message parameters: plain values kept. */
export function messageParams(values: Record<string, unknown>): MessageParams {
  const out: MessageParams = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
      out[name] = value as MessageParam;
    else if (isRef(value)) out[name] = value;
    else out[name] = String(value);
  }
  return out;
}
