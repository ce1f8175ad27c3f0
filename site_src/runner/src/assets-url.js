// The site's assets/ folder, from this bundle's own address (assets/runner/runner.js): pages sit at any depth,
// and the bundle is a classic script evaluated once, so `document.currentScript` is known right now.
export const ASSETS_URL = new URL("../", document.currentScript.src);
