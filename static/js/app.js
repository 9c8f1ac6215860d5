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

  function bringIntoView(results) {
    var top = results.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.6) results.scrollIntoView({ block: "start" });
  }

  function focusResults() {
    var results = document.getElementById("results");
    if (!results) return;
    results.focus({ preventScroll: true });
    bringIntoView(results);
  }

  // Enter in the search box searches, then hands the keyboard to the results (j, k, Enter).
  var searchSent = false;

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var dialog = document.getElementById("shortcuts");
    if (typing(event.target)) {
      if (event.key === "Escape") {
        // A search box would clear itself on Esc: leaving it must keep the search.
        if (event.target.type === "search") event.preventDefault();
        event.target.blur();
      } else if (event.target.id === "search" && event.key === "Enter") {
        searchSent = true;
      } else if (event.target.id === "search" && event.key === "ArrowDown" && rowLinks().length) {
        event.preventDefault();
        moveRow(1);
      }
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
      case "[": case "]": case "e":
        clickKey(event.key);
        break;
      case "n":
        if (document.body.dataset.newUrl) window.location.assign(document.body.dataset.newUrl);
        break;
      case "l": {
        // Link a record: the first relationship picker on the contact page.
        var picker = document.querySelector("#relationships form.picker input[name=q]");
        if (picker) { event.preventDefault(); picker.focus(); picker.scrollIntoView({ block: "center" }); }
        break;
      }
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

  // --- The list stays in view -------------------------------------------------------------------
  function isResults(element) { return element && element.id === "results"; }

  // While the next page or search is on its way, the old rows cannot be clicked by mistake.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var results = document.getElementById("results");
    if (results && isResults(event.detail.target)) results.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function () {
    var results = document.getElementById("results");
    if (results) results.removeAttribute("aria-busy");
  });

  // After htmx swaps the results, keep keyboard users where they were: on the results, in view.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!isResults(event.detail.target)) return;
    var fromSearch = event.detail.requestConfig && event.detail.requestConfig.elt &&
      event.detail.requestConfig.elt.closest && event.detail.requestConfig.elt.closest("form.search");
    if (searchSent || document.activeElement === document.body || !document.activeElement) {
      searchSent = false;
      focusResults();
    } else if (!fromSearch) {
      var results = document.getElementById("results");
      if (results) bringIntoView(results);
    }
    var filters = document.getElementById("filters-panel");
    if (filters && !fromSearch) filters.open = false;
  });

  // Empty inputs are left out of a search's URL (with or without htmx): disabled inputs are not
  // sent, and they come back on the next tick, once the request has its values.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-drop-empty]")) return;
    var emptied = Array.prototype.filter.call(form.elements, function (input) {
      return input.name && !input.disabled && /^(INPUT|SELECT)$/.test(input.tagName) &&
        !/^(checkbox|radio|submit|button)$/.test(input.type) && input.value === "";
    });
    emptied.forEach(function (input) { input.disabled = true; });
    window.setTimeout(function () { emptied.forEach(function (input) { input.disabled = false; }); }, 0);
  }, true);
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-drop-empty] [disabled]"), function (input) {
      input.disabled = false;
    });
  });

  // A request that failed outright (the CRM is down, a fragment is refused) says so in the page.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var text = xhr && xhr.status === 403 ? "You may not do this: ask IT for the editor role."
      : (xhr && xhr.responseText && xhr.responseText.length < 300 && xhr.getResponseHeader("Content-Type") &&
         xhr.getResponseHeader("Content-Type").indexOf("text/plain") === 0 ? xhr.responseText
         : "That did not work: the CRM may be busy. Try again in a moment.");
    var alert = document.getElementById("request-error");
    if (alert) { alert.textContent = text; alert.hidden = false; }
  });
})();
