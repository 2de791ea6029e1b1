// Replaces the default theme's `useLangs` (see the alias in config.ts). The language menu links each
// page to the same page in the other language; the API reference exists in English only, so on its
// pages the menu links to the other language's home instead of to a page that does not exist.
import { computed } from 'vue';
import { useData } from 'vitepress';

/** Pages that exist in one language only. */
const SINGLE_LANGUAGE = /^en\/api\//;

export function useLangs({ correspondingLink = false } = {}) {
  const { site, localeIndex, page, theme, hash } = useData();
  const currentLang = computed(() => ({
    label: site.value.locales[localeIndex.value]?.label,
    link: site.value.locales[localeIndex.value]?.link || (localeIndex.value === 'root' ? '/' : `/${localeIndex.value}/`),
  }));
  const localeLinks = computed(() =>
    Object.entries(site.value.locales).flatMap(([key, value]) => {
      if (currentLang.value.label === value.label) return [];
      const home = value.link || (key === 'root' ? '/' : `/${key}/`);
      const corresponding = theme.value.i18nRouting !== false && correspondingLink && !SINGLE_LANGUAGE.test(page.value.relativePath);
      if (!corresponding) return { text: value.label, link: home };
      const path = page.value.relativePath
        .slice(currentLang.value.link.length - 1)
        .replace(/(^|\/)index\.md$/, '$1')
        .replace(/\.md$/, site.value.cleanUrls ? '' : '.html');
      return { text: value.label, link: home.replace(/\/$/, '') + (path.startsWith('/') ? path : `/${path}`) + hash.value };
    }),
  );
  return { localeLinks, currentLang };
}
