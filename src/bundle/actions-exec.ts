/**
 * The bundle's stand-in for `@actions/exec`, which loads the real package
 * on first use.
 *
 * `@actions/core` re-exports its `platform` module, which imports
 * `@actions/exec` (and with it `@actions/io` and `child_process`) at the top,
 * so every run would evaluate them before the first request, although the
 * action starts no process. The build maps the bare specifier
 * `@actions/exec` to this module (`paths` in tsconfig.json). The action
 * never reads `core.platform`, so webpack finds this module unused and
 * leaves it and the real package out of the bundle. Code that used
 * `core.platform` would load the real package from a chunk of its own on
 * the first call.
 *
 * `@actions/core` 3 calls `getExecOutput` (`lib/platform.js`); this module
 * forwards both functions of the package entry. `__tests__/stand-ins.test.ts`
 * fails when core uses more. The path below names the real entry file
 * because the bare specifier leads back here in the build.
 */

type Real = typeof import('../../node_modules/@actions/exec/lib/exec.js');

let loading: Promise<Real> | undefined;

function load(): Promise<Real> {
  loading ??= import('../../node_modules/@actions/exec/lib/exec.js');
  return loading;
}

/** Forwards to `exec` of `@actions/exec` once it has loaded. */
export async function exec(...args: Parameters<Real['exec']>): Promise<number> {
  return (await load()).exec(...args);
}

/** Forwards to `getExecOutput` of `@actions/exec` once it has loaded. */
export async function getExecOutput(
  ...args: Parameters<Real['getExecOutput']>
): ReturnType<Real['getExecOutput']> {
  return (await load()).getExecOutput(...args);
}
