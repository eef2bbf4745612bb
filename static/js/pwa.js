/* The installable app on every page: registers the service worker, forgets the signed-in
   customer's cached booking pages (and this browser's push subscription) once nobody is signed
   in, lists cached bookings on the offline page, and runs the "Notify me on this device"
   buttons. No inline script: the CSP allows only our own files. */
(function () {
  "use strict";

  var PRIVATE_CACHE = "bmt-private";
  var body = document.body;
  var swUrl = body.getAttribute("data-sw-url");
  var signedIn = body.getAttribute("data-signed-in");

  function forgetPrivatePages() {
    if (!("caches" in window)) return Promise.resolve();
    return caches.delete(PRIVATE_CACHE);
  }

  function currentSubscription() {
    if (!("serviceWorker" in navigator)) return Promise.resolve(null);
    return navigator.serviceWorker.getRegistration("/").then(function (reg) {
      return reg && reg.pushManager ? reg.pushManager.getSubscription() : null;
    });
  }

  if ("serviceWorker" in navigator && swUrl) {
    navigator.serviceWorker.register(swUrl, { scope: "/" }).catch(function () {
      /* no worker: the site works as before */
    });
  }

  if (signedIn === "0") {
    // Signed out (or the session ended): nothing of the last account stays on this device.
    forgetPrivatePages();
    currentSubscription()
      .then(function (sub) {
        return sub && sub.unsubscribe();
      })
      .catch(function () {});
  }

  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form[data-sign-out]")) {
      forgetPrivatePages();
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "sign-out" });
      }
    }
  });

  // "Install the app": the browser says the site can be installed; offer it in the footer.
  var installButton = document.querySelector("[data-install-app]");
  var installPrompt = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    installPrompt = event;
    if (installButton) installButton.hidden = false;
  });
  window.addEventListener("appinstalled", function () {
    installPrompt = null;
    if (installButton) installButton.hidden = true;
  });
  if (installButton) {
    installButton.addEventListener("click", function () {
      if (!installPrompt) return;
      installPrompt.prompt();
      installPrompt.userChoice.then(function () {
        installPrompt = null;
        installButton.hidden = true;
      });
    });
  }

  // The offline page: links to the booking pages kept on this device.
  var list = document.querySelector("[data-offline-list]");
  if (list && "caches" in window) {
    caches
      .open(PRIVATE_CACHE)
      .then(function (cache) {
        return cache.keys().then(function (requests) {
          return Promise.all(
            requests.map(function (request) {
              return cache.match(request).then(function (response) {
                return response.text().then(function (html) {
                  var doc = new DOMParser().parseFromString(html, "text/html");
                  return { url: request.url, title: doc.title || request.url };
                });
              });
            })
          );
        });
      })
      .then(function (pages) {
        pages.forEach(function (page) {
          var item = document.createElement("li");
          item.className = "list-group-item";
          var link = document.createElement("a");
          link.href = page.url;
          link.textContent = page.title;
          item.appendChild(link);
          list.appendChild(item);
        });
        list.hidden = pages.length === 0;
      })
      .catch(function () {});
  }

  // "Notify me on this device".
  function urlBase64ToUint8Array(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function post(url, csrf, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(payload),
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response;
    });
  }

  function setUpOptIn(box) {
    var on = box.querySelector("[data-push-on]");
    var off = box.querySelector("[data-push-off]");
    var status = box.querySelector("[data-push-status]");
    var csrf = box.getAttribute("data-csrf");

    function show(state) {
      box.setAttribute("data-state", state);
      on.hidden = state === "on" || state === "unsupported" || state === "blocked";
      off.hidden = state !== "on";
      status.textContent = box.getAttribute("data-msg-" + state) || "";
      box.hidden = false;
    }

    var supported =
      "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
    if (!supported) return show("unsupported");
    if (Notification.permission === "denied") return show("blocked");
    currentSubscription()
      .then(function (sub) {
        show(sub && box.getAttribute("data-subscribed") === "1" ? "on" : "off");
      })
      .catch(function () {
        show("off");
      });

    on.addEventListener("click", function () {
      on.disabled = true;
      Notification.requestPermission()
        .then(function (permission) {
          if (permission !== "granted") throw new Error(permission);
          return navigator.serviceWorker.ready;
        })
        .then(function (reg) {
          return reg.pushManager.getSubscription().then(function (sub) {
            return (
              sub ||
              reg.pushManager.subscribe({
                userVisibleOnly: true,
                applicationServerKey: urlBase64ToUint8Array(box.getAttribute("data-key")),
              })
            );
          });
        })
        .then(function (sub) {
          return post(box.getAttribute("data-subscribe-url"), csrf, sub.toJSON());
        })
        .then(function () {
          box.setAttribute("data-subscribed", "1");
          show("on");
        })
        .catch(function (error) {
          show(Notification.permission === "denied" ? "blocked" : "error");
          on.hidden = Notification.permission === "denied";
        })
        .then(function () {
          on.disabled = false;
        });
    });

    off.addEventListener("click", function () {
      off.disabled = true;
      currentSubscription()
        .then(function (sub) {
          if (!sub) return null;
          return post(box.getAttribute("data-unsubscribe-url"), csrf, {
            endpoint: sub.endpoint,
          }).then(function () {
            return sub.unsubscribe();
          });
        })
        .then(function () {
          box.setAttribute("data-subscribed", "0");
          show("off");
        })
        .catch(function () {
          show("error");
        })
        .then(function () {
          off.disabled = false;
        });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-push-optin]"), setUpOptIn);
})();
