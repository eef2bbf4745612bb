/* BookMyToken service worker (served by config.pwa.service_worker; see README "Notifications"). */
"use strict";

const CONFIG = {{ config|safe }};
const SHELL = "bmt-shell-" + CONFIG.version;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(CONFIG.precache))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  // A new deploy's worker drops the old app shell (never the visited booking pages).
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith("bmt-shell-") && key !== SHELL)
            .map((key) => caches.delete(key))
        )
      )
      .then(() => self.clients.claim())
  );
});

async function navigate(request) {
  const url = new URL(request.url);
  const key = url.origin + url.pathname;
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      if (response.headers.get(CONFIG.offlineHeader) === "booking") {
        // The signed-in customer's own upcoming booking: readable offline from now on.
        const cache = await caches.open(CONFIG.privateCache);
        await cache.put(key, response.clone());
      } else if (await caches.has(CONFIG.privateCache)) {
        // No longer upcoming (or no longer theirs): drop a kept copy. Opening the cache
        // only when it exists, so a signed-out browser does not get an empty one back.
        const cache = await caches.open(CONFIG.privateCache);
        await cache.delete(key);
      }
    }
    return response;
  } catch (error) {
    const kept = await caches.match(key, { cacheName: CONFIG.privateCache });
    if (kept) return kept;
    const offline = await caches.match(CONFIG.offline, { cacheName: SHELL });
    return offline || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else if (CONFIG.precache.includes(url.pathname)) {
    event.respondWith(
      caches.match(url.pathname, { cacheName: SHELL }).then((hit) => hit || fetch(request))
    );
  }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "sign-out") {
    event.waitUntil(caches.delete(CONFIG.privateCache));
  }
});

/* Web push: {"title", "body", "url", "tag"}, encrypted for this browser by the server. */

function sameOriginUrl(value) {
  try {
    const url = new URL(value || "/", self.location.origin);
    return url.origin === self.location.origin ? url.href : self.location.origin + "/";
  } catch (error) {
    return self.location.origin + "/";
  }
}

function notificationFromPush(data) {
  return [
    data.title || CONFIG.name,
    {
      body: data.body || "",
      tag: data.tag || undefined,
      lang: data.lang || "",
      icon: CONFIG.icon,
      badge: CONFIG.icon,
      data: { url: sameOriginUrl(data.url) },
    },
  ];
}

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const [title, options] = notificationFromPush(data);
  event.waitUntil(self.registration.showNotification(title, options));
});

// Opens the notification's page: a window already on it, else one of ours navigated to it,
// else a new window.
async function openTarget(notification) {
  const target = sameOriginUrl(notification.data && notification.data.url);
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const same = windows.find((client) => client.url === target);
  if (same) return same.focus();
  for (const client of windows) {
    try {
      const moved = await client.navigate(target);
      if (moved) {
        try {
          await moved.focus();
        } catch (error) {
          /* focusing needs the click's activation; the page is open either way */
        }
        return moved;
      }
    } catch (error) {
      /* not ours to navigate: try the next one */
    }
  }
  return self.clients.openWindow(target);
}
self.openTarget = openTarget;

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openTarget(event.notification));
});
