/**
 * The management page in a real browser: {@link io.vnet.it.ui.BrowserDriver} runs ui-extension's
 * e2e/driver.mjs (playwright-core driving Debian's chromium, headless) in a test host's network
 * namespace and sends it one command at a time.
 */
package io.vnet.it.ui;
