/**
 * What a search page's excerpts cost the server's CPU, in process: `npx tsx
 * bench/http/excerpt-times.ts`. Reads 200 file texts and 400 subjects of bench:http's seed and
 * marks bench:http's searches in each (highlightSnippet, as a search page does for its 20 rows),
 * then prints the median time per excerpt of a text and of a subject (9 runs), and a digest of
 * all the HTML made: a change to the folding must leave the digest as it was.
 */
import { QueryTypes } from 'sequelize';
import { loadConfig } from '../../src/config.js';
import { closeDatabase, db, openDatabase } from '../../src/db/index.js';
import { highlightSnippet, searchTerms } from '../../src/incoming/incoming.search-text.js';
import { benchDatabaseUrl } from './measure.js';
import { SEARCHES } from './people.js';

async function main() {
  openDatabase(loadConfig({ ...process.env, DATABASE_URL: benchDatabaseUrl() }).databaseUrl);
  // The seed's texts (the first ids), not the short ones of documents registered during runs.
  const texts = (
    await db().query<{ content: string }>(
      'SELECT content FROM document_texts ORDER BY id LIMIT 200',
      { type: QueryTypes.SELECT },
    )
  ).map((r) => r.content);
  const subjects = (
    await db().query<{ subject: string }>(
      'SELECT subject FROM incoming_documents ORDER BY id DESC LIMIT 400',
      { type: QueryTypes.SELECT },
    )
  ).map((r) => r.subject);
  await closeDatabase();
  const searches = SEARCHES.map((q) => searchTerms(q));
  const perCall = (run: () => void, calls: number) => {
    for (let i = 0; i < 3; i++) run();
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t0 = performance.now();
      run();
      times.push(performance.now() - t0);
    }
    return (times.sort((a, b) => a - b)[4] * 1000) / calls;
  };
  const chars = texts.reduce((sum, t) => sum + t.length, 0) / Math.max(1, texts.length);
  const text = perCall(() => {
    for (const terms of searches) for (const t of texts) highlightSnippet(t, terms);
  }, searches.length * texts.length);
  const subject = perCall(() => {
    for (const terms of searches) for (const s of subjects) highlightSnippet(s, terms, 10_000);
  }, searches.length * subjects.length);
  let digest = 0;
  for (const terms of searches)
    for (const html of [
      ...texts.map((t) => highlightSnippet(t, terms)),
      ...subjects.map((s) => highlightSnippet(s, terms, 10_000)),
    ])
      for (const c of html ?? '') digest = (digest * 31 + c.codePointAt(0)!) | 0;
  console.log(
    `excerpt of a file text (${texts.length} texts of ${Math.round(chars)} characters on average): ${text.toFixed(1)} µs`,
  );
  console.log(`subject marked (${subjects.length} subjects): ${subject.toFixed(1)} µs`);
  console.log(
    `a search page's 20 rows, both: ${((20 * (text + subject)) / 1000).toFixed(2)} ms; digest ${digest}`,
  );
}

void main();
