// Instant navigation on any host. Material follows a link without reloading the page (and so without
// rebooting Python) only if sitemap.xml lists it, and it reads the sitemap's <loc>s as absolute URLs, keeping
// their port and path. A static build cannot know where it will be served (a random port, a sub-path such as
// /tutorial/), and the site is built without a site_url, so the build lists its pages relative to the site root
// (data-pages) and this script, inlined in <head> before Material's bundle, answers Material's request for
// sitemap.xml with those pages resolved against the address this page was actually served from.
// Material's bundle is compiled: its request is an XMLHttpRequest, so that is where the answer goes in.
if (!self.nnSitemap) {
  const script = document.currentScript;
  const root = new URL(script.dataset.root, document.baseURI);
  const escapeXml = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const locations = JSON.parse(script.dataset.pages).map(
    (path) => `<url><loc>${escapeXml(new URL(path, root).href)}</loc></url>`,
  );
  self.nnSitemap = {
    url: new URL("sitemap.xml", root).href,
    xml: `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locations.join("")}</urlset>`,
  };
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (String(url) === self.nnSitemap.url) {
      Object.defineProperty(this, "response", { get: () => new Blob([self.nnSitemap.xml], { type: "text/xml" }) });
    }
    return open.call(this, method, url, ...rest);
  };
}
