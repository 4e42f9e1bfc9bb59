// Preloaded into the Prisma CLI. The wasm schema engine leaves a 60 s timer
// armed after a command completes; unref'ing timers of 10 s or more lets the
// process exit as soon as real work is done (short timers are left alone).
const LONG_MS = 10_000;
const original = globalThis.setTimeout;
globalThis.setTimeout = function patchedSetTimeout(fn, ms, ...args) {
  const timer = original(fn, ms, ...args);
  if (typeof ms === 'number' && ms >= LONG_MS && timer && typeof timer.unref === 'function') timer.unref();
  return timer;
};
