// The signed-in user and the API client the page shares. The token stays inside the client
// (memory only): reloading the page signs out.

import { reactive } from 'vue';
import { createApi } from './api.js';

export const session = reactive({
  identity: null,
  expiresAt: null,
  /** Why the sign-in screen shows: a session that ended, or a sign-out. */
  message: '',
});

export const api = createApi({
  onUnauthorized(message) {
    session.identity = null;
    session.expiresAt = null;
    session.message = message || 'Your session has ended. Please sign in again.';
  },
});

export async function signIn(credentials) {
  const doc = await api.login(credentials);
  session.message = '';
  session.expiresAt = doc.expiresAt ?? null;
  session.identity = doc.identity ?? { user: 'unknown', admin: false, networks: [] };
  return doc;
}

export async function signOut() {
  try {
    await api.logout();
  } finally {
    session.identity = null;
    session.expiresAt = null;
    session.message = '';
  }
}
