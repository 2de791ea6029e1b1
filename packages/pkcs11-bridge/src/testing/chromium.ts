/**
 * Debian's Chromium for the end-to-end tests: core's browser-test helper (scripts/chromium.sh
 * installs the browser; under CI=true a missing browser is a failure, locally the tests skip).
 */
export { CHROMIUM_ARGS, findChromium } from '../../../core/test-utils/chromium';
