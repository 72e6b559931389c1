/* 现场采集 service worker (scope /field/): keeps the app shell and the day's tasks so the app opens and works
   with no network.  Network first for both (online the inspector always sees the current release and tasks),
   the cached copy when the network fails.  Writes (the sync) are never cached: the page queues them itself. */
"use strict";
var CACHE = "kaoping-field-v1";
var SHELL = ["/field/", "/field/manifest.webmanifest", "/static/field.js", "/static/field.css", "/static/style.css",
  "/static/site.js", "/static/vendor/htmx.min.js", "/static/field-icon.svg"];
var KEPT = SHELL.concat(["/api/field/tasks"]);

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || KEPT.indexOf(url.pathname) < 0) {
    return;  /* everything else goes to the network as if there were no worker */
  }
  event.respondWith(fetch(event.request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(url.pathname).then(function (kept) { return kept || Response.error(); });
  }));
});
