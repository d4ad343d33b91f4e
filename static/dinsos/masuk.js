// On the sign-in page (also where signing out lands): nobody is signed in here, so the
// attendance screens the P2K2 service worker kept for offline use — family names of a
// group — must not stay on a shared phone (DOMAIN.md §10). The queue of attendance not yet
// sent (localStorage) is kept: it holds only ids and marks, and is sent after signing in.
(function () {
  "use strict";
  if (!("caches" in window)) {
    return;
  }
  window.caches.keys().then(function (keys) {
    keys.filter(function (key) {
      return key.indexOf("p2k2-") === 0;
    }).forEach(function (key) {
      window.caches.delete(key);
    });
  });
}());
