// Sigap service worker: caches the static assets and an offline page; pages always come from the
// network (they hold personal, changing data) and fall back to the offline page without a signal.
var CACHE = "sigap-static-v1";
var ASSETS = ["/static/sigap.css", "/static/sigap.js", "/static/icon.svg", "/static/icon-192.png", "/static/offline.html"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { return caches.match("/static/offline.html"); }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      var network = fetch(request).then(function (response) {
        if (response.ok) { caches.open(CACHE).then(function (cache) { cache.put(request, response.clone()); }); }
        return response;
      });
      return hit || network;
    }));
  }
});
