/** Thrown when an optional dependency a command needs is not installed: says what to install. */
export class MissingDependency extends Error {}

/**
 * Import an optional dependency (a guest toolchain, jco) only when a command needs it, so
 * a node that only runs core modules installs and starts without them. Its absence is one
 * line naming the package to install, not a resolver stack trace.
 */
export async function importOptional<T>(specifier: string, packageName: string, neededFor: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing = (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && (error as Error).message.includes(`'${packageName}`);
    if (!missing) throw error;
    throw new MissingDependency(`${neededFor} needs ${packageName}, an optional dependency of onebox that is not installed: npm install ${packageName}`);
  }
}
