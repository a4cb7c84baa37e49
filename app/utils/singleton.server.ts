// The Remix build and the Express server are loaded as separate module graphs in one process; keeping
// process-wide resources on globalThis makes them share one database and one Socket.IO server.
export function singleton<T>(name: string, create: () => T): T {
  const store = globalThis as unknown as { __cluebridge?: Record<string, unknown> };
  store.__cluebridge ??= {};
  if (!(name in store.__cluebridge)) store.__cluebridge[name] = create();
  return store.__cluebridge[name] as T;
}

export function forgetSingleton(name: string) {
  const store = globalThis as unknown as { __cluebridge?: Record<string, unknown> };
  if (store.__cluebridge) delete store.__cluebridge[name];
}
