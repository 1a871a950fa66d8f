import { cscProvider, type CscProviderOptions } from './csc.js';
import { serverKeyProvider, type ServerKeyProviderOptions } from './server-key.js';
import type { SignatureProvider } from './types.js';

/**
 * A user's signing setting, as the caller keeps it: the server-held key (its encrypted PEM and
 * certificate) or a remote CSC credential (the service settings with the user's credential ID).
 * A token in the signer's hands has no provider object: it signs in two requests
 * (prepareTokenSigning, then finishTokenSigning).
 */
export type ProviderChoice =
  ({ kind: 'server-key' } & ServerKeyProviderOptions) | ({ kind: 'csc' } & CscProviderOptions);

/** The provider for a user's choice. */
export function createProvider(choice: ProviderChoice): SignatureProvider {
  switch (choice.kind) {
    case 'server-key':
      return serverKeyProvider(choice);
    case 'csc':
      return cscProvider(choice);
  }
}
