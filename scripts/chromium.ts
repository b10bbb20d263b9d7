/**
 * The browser the web board's end-to-end test drives: Debian's `chromium` package (no browser
 * download through playwright). `npm test` installs it with apt-get when it is missing and this
 * process may (root, apt-get present); otherwise the test fails saying how to install it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
}

export const CHROMIUM_MISSING = (at: string) =>
  `Chromium is not installed at ${at}: install it with \`apt-get install -y chromium\` (Debian's package), or set CHROMIUM_PATH to a Chromium binary. The web board test does not skip.`;

/** Installs Debian's chromium when it is missing and apt-get may be run; never throws (the test reports what is missing). */
export function ensureChromium(): void {
  const at = chromiumPath();
  if (existsSync(at) || at !== DEFAULT_CHROMIUM || process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return;
  process.stderr.write('[tools] installing chromium (apt-get) for the web board test\n');
  const apt = (...args: string[]) =>
    execFileSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  const install = () => apt('install', '-y', '--no-install-recommends', 'chromium');
  try {
    install();
  } catch {
    // A fresh machine may have no package lists yet.
    try {
      apt('update');
      install();
    } catch {
      process.stderr.write(`[tools] ${CHROMIUM_MISSING(at)}\n`);
    }
  }
}
