// P2K2 service worker (served by the view p2k2:service-worker at /p2k2/sw.js, scope /p2k2/).
//
// It lets a pendamping reopen an attendance screen with no signal: the screen's page and its
// static files are kept in a cache when the screen asks (kehadiran.js posts their URLs) and
// whenever they load; without network the cached copy answers. Saving works offline anyway
// (kehadiran.js queues submissions in localStorage); this only makes the page itself open.
// Only the attendance screens are cached, never other pages of the portal.
"use strict";

var CACHE = "p2k2-kehadiran-v1";
var LAYAR = /^\/p2k2\/(pertemuan\/\d+\/kehadiran|kelompok\/\d+\/catat)\/$/;

function isCached(url) {
  return url.origin === self.location.origin &&
    (LAYAR.test(url.pathname) || url.pathname.indexOf("/static/") === 0);
}

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key !== CACHE;
      }).map(function (key) {
        return caches.delete(key);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.simpan) || [];
  var wanted = urls.filter(function (u) {
    return isCached(new URL(u, self.location.origin));
  });
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(wanted);
    })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || !isCached(new URL(request.url))) {
    return;
  }
  // Network first (the marks on the server may have changed), the cache without signal.
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && !response.redirected && response.type === "basic") {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) {
          cache.put(request, copy);
        });
      }
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreVary: true }).then(function (hit) {
        return hit || Response.error();
      });
    })
  );
});
