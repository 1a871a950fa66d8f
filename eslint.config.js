import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'public/vendor/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // The signing engine is a pure library (bytes in, bytes out); signature providers may call
  // remote services over HTTP but serve no routes and touch no database (storing keys, sessions
  // and PIN attempts is the caller's). Neither reads the app's configuration.
  ...[
    [
      'src/signing/**/*.ts',
      'src/signing is a pure library: bytes in, bytes out; no HTTP, no database.',
    ],
    [
      'src/signing-providers/**/*.ts',
      'src/signing-providers is a library: HTTP clients yes, no Express, no database, no config.',
    ],
  ].map(([files, message]) => ({
    files: [files],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'express',
                'express-*',
                'sequelize',
                'sequelize/*',
                'multer',
                'pino*',
                '**/db/**',
                '**/http/**',
                '**/config.js',
              ],
              message,
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    // Progressive enhancements served to the browser.
    files: ['public/js/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
);
