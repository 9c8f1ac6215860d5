// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Tell the server the viewer's time zone so dates read in local time on the next request.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + zone) === -1) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* old browsers: UTC it is */ }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function rowLinks() {
    return Array.prototype.slice.call(document.querySelectorAll("table.records tbody a.row-link"));
  }

  function moveRow(step) {
    var links = rowLinks();
    if (!links.length) return;
    var index = links.indexOf(document.activeElement);
    var next = index === -1 ? (step > 0 ? 0 : links.length - 1) : index + step;
    next = Math.max(0, Math.min(links.length - 1, next));
    links[next].focus();
    links[next].closest("tr").scrollIntoView({ block: "nearest" });
  }

  function clickKey(key) {
    var link = document.querySelector('[data-key="' + key + '"]');
    if (link) link.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var dialog = document.getElementById("shortcuts");
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    switch (event.key) {
      case "/": {
        var search = document.getElementById("search");
        if (search) { event.preventDefault(); search.focus(); search.select(); }
        break;
      }
      case "j": case "ArrowDown":
        if (rowLinks().length) { event.preventDefault(); moveRow(1); }
        break;
      case "k": case "ArrowUp":
        if (rowLinks().length) { event.preventDefault(); moveRow(-1); }
        break;
      case "[": case "]":
        clickKey(event.key);
        break;
      case "?":
        if (dialog && dialog.showModal) {
          event.preventDefault();
          if (dialog.open) dialog.close(); else dialog.showModal();
        }
        break;
    }
  });

  // Embedded in an allowed intranet portal: tell the parent window what happens, so it can react
  // (for example refresh its own widgets after a save). Only to origins on EMBED_ALLOWED_ORIGINS.
  var parentOrigin = null;
  if (window.parent !== window && document.body.dataset.embedOrigins) {
    try {
      // Chromium and Safari name the parent's origin directly; elsewhere the referrer does.
      var ancestors = window.location.ancestorOrigins;
      var referrer = ancestors && ancestors.length ? ancestors[0]
        : (document.referrer ? new URL(document.referrer).origin : null);
      var allowed = document.body.dataset.embedOrigins.split(" ");
      // The first page in the frame learns the portal's origin from the referrer; later pages
      // (navigations inside the frame) remember it for the tab.
      if (referrer && allowed.indexOf(referrer) !== -1) {
        parentOrigin = referrer;
        remember(referrer);
      } else {
        var remembered = recall();
        if (remembered && allowed.indexOf(remembered) !== -1) parentOrigin = remembered;
      }
    } catch (e) { parentOrigin = null; }
  }
  // Storage in a third-party frame may be blocked (it throws): then only the first page knows.
  function remember(origin) { try { sessionStorage.setItem("contacts.embedParent", origin); } catch (e) { /* blocked */ } }
  function recall() { try { return sessionStorage.getItem("contacts.embedParent"); } catch (e) { return null; } }
  function tellParent(type, detail) {
    if (!parentOrigin) return;
    var message = { source: "contacts-dashboard", type: type };
    for (var key in detail) message[key] = detail[key];
    window.parent.postMessage(message, parentOrigin);
  }
  tellParent("contacts:page", { path: location.pathname + location.search, title: document.title });
  Array.prototype.forEach.call(document.querySelectorAll("[data-contact-event]"), function (el) {
    tellParent("contacts:" + el.dataset.contactEvent, { id: el.dataset.contactId });
  });
  document.addEventListener("htmx:pushedIntoHistory", function (event) {
    tellParent("contacts:page", { path: event.detail.path, title: document.title });
  });

  // After htmx swaps the results, keep keyboard users where they were: on the results.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "results" && document.activeElement === document.body) {
      var summary = document.querySelector("#results .summary");
      if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus({ preventScroll: true }); }
    }
  });
})();
