/**
 * `build` run on the first call only, its value kept: for what a module would otherwise build
 * at import although few invocations (or none) use it, such as the schemas only the OpenAPI
 * document reads. The same value on every call, so schemas built from it stay one object each.
 */
export const once = <T>(build: () => T): (() => T) => {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
};
