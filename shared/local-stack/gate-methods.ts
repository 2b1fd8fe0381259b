/**
 * `target` with the methods named in `methods` failing (a rejected promise) whenever `refusal()`
 * returns an error; every other member passes through, bound to `target`. How a stopping stack
 * switches parts of the pipeline's dependencies off without the pipeline knowing.
 */
export function gateMethods<T extends object>(target: T, methods: readonly string[], refusal: () => Error | undefined): T {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object) as unknown;
      if (typeof value !== 'function') return value;
      if (!methods.includes(property as string)) return value.bind(object);
      return (...args: unknown[]) => {
        const refused = refusal();
        return refused ? Promise.reject(refused) : (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}
