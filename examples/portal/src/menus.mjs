// This portal's menu names, given to Yizheng so that its remedies send users to menus that exist here.
export const PORTAL_MENUS = {
  bind: { 'zh-CN': '关联数字证书', en: 'Linked certificates' },
  unbind: { 'zh-CN': '关联数字证书', en: 'Linked certificates' },
};
