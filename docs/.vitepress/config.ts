// The Yizheng docs site: zh-CN at /, English at /en/, the generated API reference at /en/api/.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type DefaultTheme } from 'vitepress';

/**
 * The API sidebar: one link per module (import specifier), from the sidebar typedoc-vitepress-theme
 * writes with the API pages (absent until typedoc ran). Each module's page lists its exports; listing
 * every export here would put hundreds of links into every API page.
 */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const file = fileURLToPath(new URL('../en/api/typedoc-sidebar.json', import.meta.url));
  if (!existsSync(file)) return [];
  const modules = JSON.parse(readFileSync(file, 'utf8')) as DefaultTheme.SidebarItem[];
  return modules.map(({ text, link }) => ({ text, link }));
}

function guide(prefix: '' | '/en', t: Record<string, string>): DefaultTheme.SidebarItem[] {
  const g = (slug: string) => ({ text: t[slug] ?? slug, link: `${prefix}/guide/${slug}` });
  return [
    {
      text: t['group.start'] ?? '',
      items: [g('getting-started'), g('recipes')],
    },
    {
      text: t['group.guide'] ?? '',
      items: [g('login-and-binding'), g('identity'), g('providers'), g('pkcs11-bridge'), g('stores-and-deployment'), g('envelopes'), g('renewal'), g('enterprise-codes'), g('cli')],
    },
    {
      text: t['group.reference'] ?? '',
      items: [
        { text: t['errors'] ?? '', link: `${prefix}/reference/errors` },
        { text: t['faq'] ?? '', link: `${prefix}/reference/faq` },
        { text: t['api'] ?? '', link: '/en/api/' },
      ],
    },
  ];
}

const zh: Record<string, string> = {
  'group.start': '开始',
  'group.guide': '指南',
  'group.reference': '参考',
  'getting-started': '快速开始',
  recipes: '框架示例',
  'login-and-binding': 'CA登录与证书绑定',
  identity: '证书代表谁',
  providers: 'CA插件与证书客户端',
  'pkcs11-bridge': 'PKCS#11 桥接',
  'stores-and-deployment': '存储与部署',
  envelopes: '密封投标文件与开标解密',
  renewal: '证书续期、延期与加密证书风险',
  'enterprise-codes': '企业代码',
  cli: '命令行',
  errors: '错误码',
  faq: '常见问题',
  api: 'API 参考（英文）',
};

const en: Record<string, string> = {
  'group.start': 'Start',
  'group.guide': 'Guide',
  'group.reference': 'Reference',
  'getting-started': 'Getting started',
  recipes: 'Framework recipes',
  'login-and-binding': 'Login and binding',
  identity: 'Who a certificate speaks for',
  providers: 'Providers and key clients',
  'pkcs11-bridge': 'PKCS#11 bridge',
  'stores-and-deployment': 'Stores and deployment',
  envelopes: 'Sealing and opening bids',
  renewal: 'Renewal, extension and the encryption-certificate risk',
  'enterprise-codes': 'Enterprise codes',
  cli: 'CLI',
  errors: 'Error codes',
  faq: 'FAQ',
  api: 'API reference',
};

export default defineConfig({
  title: 'Yizheng 一证',
  cleanUrls: true,
  // Vite's dependency cache stays out of the source tree (and out of lint and git).
  cacheDir: './node_modules/.cache/vitepress',
  lastUpdated: false,
  // The page hash map (one entry per page, hundreds with the API reference) goes into one cached chunk
  // instead of being inlined into every HTML file.
  metaChunk: true,
  // Code included from docs/snippets/*.mjs is JavaScript.
  markdown: { languageAlias: { mjs: 'js' } },
  vite: {
    // The local search index (the API reference included) is one chunk of over 1 MB, loaded when search opens.
    build: { chunkSizeWarningLimit: 2048 },
    resolve: {
      // The language menu of the default theme, taught that the API reference is English only.
      alias: [{ find: /^\.\.?\/composables\/langs(\.js)?$/, replacement: fileURLToPath(new URL('./lang-links.ts', import.meta.url)) }],
    },
  },
  themeConfig: {
    socialLinks: [{ icon: 'github', link: 'https://github.com/yizheng-dev/yizheng' }],
    search: {
      provider: 'local',
      options: {
        locales: {
          root: {
            translations: {
              button: { buttonText: '搜索', buttonAriaLabel: '搜索' },
              modal: {
                displayDetails: '显示详情',
                resetButtonTitle: '清除',
                backButtonTitle: '返回',
                noResultsText: '没有找到',
                footer: { selectText: '选择', navigateText: '切换', closeText: '关闭' },
              },
            },
          },
        },
      },
    },
  },
  locales: {
    root: {
      label: '简体中文',
      lang: 'zh-CN',
      description: '一证（Yizheng）：政府采购与公共资源交易平台的 CA 证书登录、证书绑定、企业代码核对与到期提醒 SDK',
      themeConfig: {
        nav: [
          { text: '指南', link: '/guide/getting-started', activeMatch: '^/guide/' },
          { text: '错误码', link: '/reference/errors' },
          { text: '常见问题', link: '/reference/faq' },
          { text: 'API', link: '/en/api/' },
        ],
        sidebar: { '/guide/': guide('', zh), '/reference/': guide('', zh) },
        outline: { level: [2, 3], label: '本页目录' },
        docFooter: { prev: '上一页', next: '下一页' },
        darkModeSwitchLabel: '外观',
        lightModeSwitchTitle: '切换到浅色模式',
        darkModeSwitchTitle: '切换到深色模式',
        sidebarMenuLabel: '菜单',
        returnToTopLabel: '回到顶部',
        langMenuLabel: '切换语言',
        notFound: {
          title: '页面不存在',
          quote: '您要找的页面不存在或已移动。',
          linkLabel: '返回首页',
          linkText: '返回首页',
        },
      },
    },
    en: {
      label: 'English',
      lang: 'en',
      link: '/en/',
      description: 'Yizheng: CA certificate login, certificate binding, enterprise-code checks and expiry reminders for Chinese procurement platforms',
      themeConfig: {
        nav: [
          { text: 'Guide', link: '/en/guide/getting-started', activeMatch: '^/en/guide/' },
          { text: 'Error codes', link: '/en/reference/errors' },
          { text: 'FAQ', link: '/en/reference/faq' },
          { text: 'API', link: '/en/api/', activeMatch: '^/en/api/' },
        ],
        sidebar: {
          '/en/guide/': guide('/en', en),
          '/en/reference/': guide('/en', en),
          '/en/api/': [{ text: 'API reference', link: '/en/api/', items: apiSidebar() }],
        },
        outline: { level: [2, 3] },
      },
    },
  },
});
