import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import { LOCALES_DIR } from '../paths.js';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'vi';

/** Every JSON file in locales/<lng>/ is one namespace, named after the file (common.json → common). */
function loadResources(): Record<string, Record<string, unknown>> {
  const resources: Record<string, Record<string, unknown>> = {};
  for (const lng of LANGUAGES) {
    resources[lng] = {};
    for (const file of readdirSync(path.join(LOCALES_DIR, lng))) {
      if (!file.endsWith('.json')) continue;
      resources[lng][file.replace(/\.json$/, '')] = JSON.parse(
        readFileSync(path.join(LOCALES_DIR, lng, file), 'utf8'),
      );
    }
  }
  return resources;
}

let instance: i18n | null = null;

export function i18n(): i18n {
  if (instance) return instance;
  const resources = loadResources();
  instance = i18next.createInstance();
  void instance.init({
    resources: resources as never,
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    ns: Object.keys(resources[DEFAULT_LANGUAGE]),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    initAsync: false,
    showSupportNotice: false,
  } as never);
  return instance;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

const translators = new Map<Language, TFunction>();

// Texts with parameters (a count, a page number) are remembered too, up to this many per language.
const REMEMBERED_WITH_PARAMS = 5_000;

/** A cache key for options made only of strings, numbers and booleans; null for anything else. */
function paramsKey(key: string, options: unknown): string | null {
  if (!options || typeof options !== 'object' || Array.isArray(options)) return null;
  let out = key;
  for (const [name, value] of Object.entries(options)) {
    const type = typeof value;
    if (type !== 'string' && type !== 'number' && type !== 'boolean') return null;
    out += `\u0000${name}\u0001${type[0]}${String(value)}`;
  }
  return out;
}

/**
 * A translate function fixed to one language (Vietnamese unless told otherwise). Lookups are
 * remembered: the texts do not change at run time and pages repeat the same labels. With
 * parameters only simple values are (a bounded number of them); anything else is translated anew.
 */
export function translator(lng: string = DEFAULT_LANGUAGE): TFunction {
  const language = isLanguage(lng) ? lng : DEFAULT_LANGUAGE;
  let t = translators.get(language);
  if (!t) {
    const fixed = i18n().getFixedT(language) as unknown as (...a: unknown[]) => string;
    const remembered = new Map<string, string>();
    const rememberedWithParams = new Map<string, string>();
    t = ((key: unknown, ...rest: unknown[]) => {
      if (typeof key !== 'string') return fixed(key, ...rest);
      if (rest.length === 0) {
        let text = remembered.get(key);
        if (text === undefined) {
          text = fixed(key);
          remembered.set(key, text);
        }
        return text;
      }
      const cacheKey = rest.length === 1 ? paramsKey(key, rest[0]) : null;
      if (cacheKey === null) return fixed(key, ...rest);
      let text = rememberedWithParams.get(cacheKey);
      if (text === undefined) {
        text = fixed(key, ...rest);
        if (rememberedWithParams.size >= REMEMBERED_WITH_PARAMS) rememberedWithParams.clear();
        rememberedWithParams.set(cacheKey, text);
      }
      return text;
    }) as unknown as TFunction;
    translators.set(language, t);
  }
  return t;
}
