// TypeDoc plugin: names each entry point's module by the import specifier users write, derived from
// its path — packages/core/src/index.ts is `@yizheng/core`, packages/core/src/client/index.ts is
// `@yizheng/core/client`, packages/provider-bjca/src/browser/index.ts is `@yizheng/provider-bjca/browser`
// — so adding an entry point to typedoc.json is all a new subpath needs. A module whose `@module` tag
// already names a package (`@module @yizheng/...`) keeps that name.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { Converter, ReflectionKind } from 'typedoc';

/** The import specifier of a package source file: package name + its path under `src/`, without `index`. */
export function moduleNameOf(fileName) {
  let dir = dirname(fileName);
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (typeof name !== 'string') return undefined;
  const sub = relative(join(dir, 'src'), fileName)
    .split(sep)
    .join('/')
    .replace(/\.[cm]?tsx?$/, '')
    .replace(/(^|\/)index$/, '');
  if (sub.startsWith('..')) return undefined;
  return sub === '' ? name : `${name}/${sub}`;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(
    Converter.EVENT_CREATE_DECLARATION,
    (context, reflection) => {
      if (!reflection.kindOf(ReflectionKind.Module) || reflection.name.startsWith('@')) return;
      const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName;
      const name = file === undefined ? undefined : moduleNameOf(file);
      if (name !== undefined) reflection.name = name;
    },
    // After TypeDoc's own comment plugin has applied any `@module` name.
    -100,
  );
}
