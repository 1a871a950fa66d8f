import { ProviderError } from './errors.js';

/** A CSC error body: `{ error, error_description }` (OAuth 2.0 style, CSC API v2 §10). */
interface CscErrorBody {
  error?: string;
  error_description?: string;
}

export interface CscRequest {
  url: string;
  body: Record<string, unknown> | URLSearchParams;
  bearer?: string;
  basicAuth?: { user: string; password: string };
  timeoutMs: number;
  signal?: AbortSignal;
}

/** HTTP status and JSON body of a successful (2xx) answer. */
export interface CscResponse {
  status: number;
  body: Record<string, unknown>;
}

/** Maps a CSC/OAuth error answer to the typed error a caller can act on. */
export function cscError(status: number, body: CscErrorBody, path: string): ProviderError {
  const code = body.error ?? '';
  const text = body.error_description ?? '';
  const detail = `${path}: HTTP ${status} ${code}${text ? ` (${text})` : ''}`;
  if (code === 'access_denied' || /refus|reject|denied|declin/i.test(text))
    return new ProviderError('REMOTE_REFUSED', detail);
  if (/\b(pin|otp)\b/i.test(text) && /invalid|wrong|incorrect/i.test(text))
    return new ProviderError('WRONG_PIN', detail);
  if (
    status === 401 ||
    code === 'invalid_token' ||
    code === 'invalid_client' ||
    code === 'unauthorized_client'
  )
    return new ProviderError('REMOTE_UNAUTHORIZED', detail);
  if (code === 'expired_token' || /expired/i.test(text))
    return new ProviderError('REMOTE_EXPIRED', detail);
  if (/credential/i.test(text) || (status === 404 && /credentials\//.test(path)))
    return new ProviderError('CREDENTIAL_NOT_FOUND', detail);
  if (status === 403) return new ProviderError('REMOTE_UNAUTHORIZED', detail);
  if (status >= 500) return new ProviderError('PROVIDER_UNAVAILABLE', detail);
  return new ProviderError('REMOTE_ERROR', detail);
}

/**
 * POSTs one CSC (or OAuth token) request with a per-request timeout. A refused connection or a
 * 5xx is PROVIDER_UNAVAILABLE, no answer in time REMOTE_TIMEOUT, the caller's abort ABORTED.
 */
export async function cscPost(request: CscRequest): Promise<CscResponse> {
  const path = new URL(request.url).pathname;
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string;
  if (request.body instanceof URLSearchParams) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = request.body.toString();
  } else {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.body);
  }
  if (request.bearer) headers.authorization = `Bearer ${request.bearer}`;
  if (request.basicAuth) {
    const { user, password } = request.basicAuth;
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(user)}:${encodeURIComponent(password)}`).toString('base64')}`;
  }
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers,
      body,
      signal,
      redirect: 'error',
    });
    text = await response.text();
  } catch (e) {
    if (request.signal?.aborted) throw new ProviderError('ABORTED', `${path}: cancelled`);
    if (timeout.aborted)
      throw new ProviderError(
        'REMOTE_TIMEOUT',
        `${path}: no answer within ${request.timeoutMs} ms`,
      );
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new ProviderError('PROVIDER_UNAVAILABLE', `${path}: ${cause}`, { cause: e });
  }
  let parsed: unknown = {};
  if (text.trim() !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      if (!response.ok) parsed = {};
      else throw new ProviderError('REMOTE_ERROR', `${path}: the answer is not JSON`);
    }
  }
  const json = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
    string,
    unknown
  >;
  if (!response.ok) throw cscError(response.status, json as CscErrorBody, path);
  return { status: response.status, body: json };
}
