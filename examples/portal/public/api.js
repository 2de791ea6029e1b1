// The page's calls to the portal: JSON, the session's CSRF token on every change, and every failure
// as an error carrying the server's code, both languages and the remedy.
import { YizhengServerError } from '/vendor/core/client.js';

let csrf = '';

/** The CSRF token to send (the server gives a new one at login and logout). */
export const csrfHeader = () => ({ 'x-csrf-token': csrf });

/** Keeps the CSRF token of an answer that carries one. */
export function remember(answer) {
  if (answer && typeof answer.csrf === 'string') csrf = answer.csrf;
  return answer;
}

/** A failure that is not the server's coded answer: the network, or a broken page. */
export class PageProblem extends Error {
  constructor(kind, cause) {
    super(kind, { cause });
    this.kind = kind;
  }
}

export async function api(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(method !== 'GET' && { 'content-type': 'application/json', ...csrfHeader() }) },
      ...(method !== 'GET' && { body: JSON.stringify(body ?? {}) }),
    });
  } catch (error) {
    throw new PageProblem('network', error);
  }
  const json = await response.json().catch(() => null);
  if (json?.error?.code) throw new YizhengServerError(json.error, response.status);
  if (!response.ok) throw new PageProblem('http', new Error(`HTTP ${response.status}`));
  return remember(json);
}
