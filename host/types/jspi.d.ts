// JSPI (JavaScript Promise Integration), on by default from Node 24.20; not yet in
// TypeScript's lib. Only what onebox uses.
declare namespace WebAssembly {
  class Suspending {
    constructor(fn: (...args: never[]) => unknown);
  }
  function promising<F extends (...args: never[]) => unknown>(fn: F): (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>;
}
