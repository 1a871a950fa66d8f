/** The sentence for a person of each code of an error family, in Vietnamese and English. */
export type Sentences<C extends string> = Record<C, { vi: string; en: string }>;

/**
 * An error with a stable code (safe to map, count or test), the technical detail as `message`,
 * and the sentence for a person in Vietnamese (`vi`) and English (`en`) from its family's table.
 */
export abstract class CodedError<C extends string> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The family's table of sentences. */
  protected abstract sentences(): Sentences<C>;

  get vi(): string {
    return this.sentences()[this.code].vi;
  }

  get en(): string {
    return this.sentences()[this.code].en;
  }

  /** The person's sentence with the code and the detail, e.g. for the CLI. */
  describe(lang: 'vi' | 'en' = 'vi'): string {
    return `${this.sentences()[this.code][lang]} [${this.code}]: ${this.message}`;
  }
}
