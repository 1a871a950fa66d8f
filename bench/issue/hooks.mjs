// Module hooks of `npm run bench:issue`: every import of src/signing-providers/index.js resolves
// to timed-providers.ts, which re-exports it with signPdfWith wrapped in a timer, so the bench
// measures the time spent inside the signing engine without touching the application's code.
export async function resolve(specifier, context, next) {
  if (
    /signing-providers\/index\.js$/.test(specifier) &&
    !String(context.parentURL ?? '').endsWith('/bench/issue/timed-providers.ts')
  ) {
    // Through the next hooks (tsx), so the TypeScript file is compiled like the others.
    return next(new URL('./timed-providers.ts', import.meta.url).href, context);
  }
  return next(specifier, context);
}
