// Talks to the gateway with the admin's bearer token (sessionStorage: gone when the tab closes).
const STORE_KEY = 'mpb-admin-session';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
  }
}

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(STORE_KEY) ?? 'null');
  } catch {
    return null;
  }
}

function saveSession(value) {
  if (value) sessionStorage.setItem(STORE_KEY, JSON.stringify(value));
  else sessionStorage.removeItem(STORE_KEY);
}

async function send(method, path, body, token) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed;
}

export async function login(email, password) {
  const pair = await send('POST', '/auth/token', { email, password });
  saveSession({ accessToken: pair.accessToken, refreshToken: pair.refreshToken, email });
  return pair;
}

export async function logout() {
  const current = session();
  saveSession(null);
  if (current?.refreshToken) {
    await send('POST', '/auth/logout', { refreshToken: current.refreshToken }).catch(() => undefined);
  }
}

let refreshing;
async function refresh() {
  const current = session();
  if (!current?.refreshToken) throw new ApiError(401, undefined);
  refreshing ??= send('POST', '/auth/refresh', { refreshToken: current.refreshToken })
    .then((pair) =>
      saveSession({ ...current, accessToken: pair.accessToken, refreshToken: pair.refreshToken }),
    )
    .finally(() => {
      refreshing = undefined;
    });
  await refreshing;
}

/** An authenticated call; an expired access token is refreshed once. */
export async function api(method, path, body) {
  const current = session();
  if (!current) throw new ApiError(401, undefined);
  try {
    return await send(method, path, body, current.accessToken);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    try {
      await refresh();
    } catch {
      saveSession(null);
      throw error;
    }
    return send(method, path, body, session().accessToken);
  }
}

export const get = (path) => api('GET', path);
