// Loaded before every test file (jest.base.js `setupFiles`). Test files share one V8 context and each loads
// tfjs again, so tfjs re-registers every kernel and backend and sets its platform once per file, warning each
// time (with a stack trace from jest's console): ~100 000 lines that buried real failures. Exactly those
// notices, and tfjs's "install the node backend" banner, are dropped; every other warning is printed.
const TFJS_RELOAD_NOTICES = [
  /^The kernel '[^']+' for backend '[^']+' is already registered$/,
  /^\S+ backend was already registered\. Reusing existing backend factory\.$/,
  /^Platform \S+ has already been set\. Overwriting the platform with \S+\.$/,
  /^\n=+\nHi, looks like you are running TensorFlow\.js in Node\.js\. To speed things up dramatically, install our node backend/,
];

const warn = console.warn;
console.warn = function warnUnlessTfjsReloadNotice(...args) {
  if (
    args.length === 1 &&
    typeof args[0] === 'string' &&
    TFJS_RELOAD_NOTICES.some((re) => re.test(args[0]))
  ) {
    return;
  }
  warn.apply(this, args);
};
