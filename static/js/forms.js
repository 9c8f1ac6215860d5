// The contact form's and the in-place editors' progressive enhancements. Without this file the
// forms still work: rows are added one blank row per save, options are picked without a filter,
// nothing warns on leave, and "Edit <field>" opens the edit page at that field.
(function () {
  "use strict";

  // Controls that only make sense with JavaScript are rendered hidden; so are in-place editors'
  // (swapped in by htmx), hence htmx:load too.
  function reveal(root) {
    Array.prototype.forEach.call(
      root.querySelectorAll("[data-row-add], [data-row-remove], [data-preview], [data-copy]"),
      function (control) { control.hidden = false; }
    );
  }
  reveal(document);
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });

  // Tell the form's unsaved-changes guard (below) that rows changed.
  function markDirtyIn(control) {
    var input = control.closest("[data-rows]") && control.closest("[data-rows]").querySelector("input");
    if (input) input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // --- Multi-value rows: add and remove --------------------------------------------------------
  function renumber(rows) {
    var base = rows.id.replace(/_rows$/, "");
    var itemLabel = rows.querySelector("[data-row-add]").getAttribute("data-item-label");
    Array.prototype.forEach.call(rows.querySelectorAll("[data-row]"), function (row, index) {
      var input = row.querySelector("input");
      var label = row.querySelector("label");
      var remove = row.querySelector("[data-row-remove]");
      input.id = base + "_" + index;
      label.htmlFor = input.id;
      label.textContent = itemLabel + " " + (index + 1);
      remove.setAttribute("aria-label", "Remove " + itemLabel.toLowerCase() + " " + (index + 1));
    });
  }

  function announceChange(input) {
    // Let htmx listeners (the duplicate check) see the new set of values.
    if (input) input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest && event.target.closest("[data-row-add]");
    if (add) {
      var rows = add.closest("[data-rows]");
      var list = rows.querySelector(".row-list");
      var last = list.querySelector("[data-row]:last-child");
      var row = last.cloneNode(true);
      var input = row.querySelector("input");
      input.value = "";
      input.removeAttribute("value");
      input.removeAttribute("autofocus");
      input.removeAttribute("aria-invalid");
      list.appendChild(row);
      renumber(rows);
      if (window.htmx) window.htmx.process(row);
      input.focus();
      markDirtyIn(add);
      return;
    }
    var remove = event.target.closest("[data-row-remove]");
    if (remove) {
      var owner = remove.closest("[data-rows]");
      var item = remove.closest("[data-row]");
      var items = owner.querySelectorAll("[data-row]");
      if (items.length > 1) {
        var next = item.nextElementSibling || item.previousElementSibling;
        item.remove();
        renumber(owner);
        next.querySelector("input").focus();
      } else {
        item.querySelector("input").value = "";
        item.querySelector("input").focus();
      }
      announceChange(owner.querySelector("[data-row] input"));
      markDirtyIn(owner);
    }
  });

  // --- Editing one field in place on the contact page -------------------------------------------
  function firstControl(root) {
    return root.querySelector("[autofocus], [aria-invalid=true], input:not([type=hidden]), select, textarea");
  }

  // An editor swapped in takes the keyboard; after a save or a cancel the keyboard goes back
  // to the field's own "Edit" control (the control that had it was just replaced).
  document.addEventListener("htmx:load", function (event) {
    var row = event.target;
    if (!row.matches || !row.matches(".field-row")) return;
    if (row.classList.contains("editing")) {
      var control = firstControl(row);
      if (control) control.focus();
      // Fixing a value usually means replacing it: typing overwrites, arrows keep it.
      if (control && control.select && /^(text|email|tel|url|search|number)$/.test(control.type) &&
          !control.getAttribute("aria-invalid")) control.select();
    } else if (!document.activeElement || document.activeElement === document.body) {
      var edit = row.querySelector("[data-edit-field]");
      if (edit) edit.focus();
    }
  });

  document.addEventListener("keydown", function (event) {
    var editor = event.target.closest && event.target.closest("form[data-inline-edit]");
    if (!editor) return;
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      var cancel = editor.querySelector("[data-inline-cancel]");
      if (cancel) cancel.click();
    } else if (event.key === "Enter" && !event.shiftKey && !event.altKey) {
      var tag = event.target.tagName;
      var multiline = tag === "TEXTAREA" && !(event.ctrlKey || event.metaKey);
      if (multiline || tag === "BUTTON" || tag === "A") return;
      event.preventDefault();
      if (editor.requestSubmit) editor.requestSubmit(); else editor.submit();
    }
  }, true);

  // --- Copy a value (the contact page's email and phone) ------------------------------------------
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) return;
    var status = document.querySelector("[data-copy-status]");
    navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
      if (status) status.textContent = "Copied " + button.getAttribute("data-copy");
      button.classList.add("copied");
    }, function () {
      if (status) status.textContent = "Could not copy: select the text instead.";
    });
  });

  // The error summary's links move the keyboard into the field, not just the view.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-error-link]");
    if (!link) return;
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    var control = target && (target.matches("input, select, textarea") ? target : firstControl(target));
    if (control) {
      event.preventDefault();
      control.focus();
      control.scrollIntoView({ block: "center" });
    }
  });

  var form = document.querySelector("form[data-contact-form]");
  if (!form) return;

  // --- Unsaved changes ------------------------------------------------------------------------
  // A form re-rendered after a failed save holds typed values that are not saved yet either.
  var dirty = form.getAttribute("data-dirty") === "true";
  var submitting = false;

  function markDirty(event) {
    if (!event || (event.target && event.target.name)) dirty = true;
  }

  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- Keyboard: Ctrl/Cmd+Enter saves from anywhere, Enter in a filter box does not ----------
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    } else if (event.target.classList && event.target.classList.contains("option-filter")) {
      event.preventDefault();
    }
  });

  // --- Long option lists get a filter box -------------------------------------------------------
  function fieldName(control) {
    var fieldset = control.closest("fieldset");
    var label = control.id && form.querySelector('label[for="' + (window.CSS ? CSS.escape(control.id) : control.id) + '"]');
    if (label) return label.textContent.trim();
    if (fieldset && fieldset.querySelector("legend")) return fieldset.querySelector("legend").textContent.trim();
    return "the";
  }

  Array.prototype.forEach.call(form.querySelectorAll("[data-searchable]"), function (control, index) {
    var wrap = document.createElement("div");
    wrap.className = "option-filter-wrap";
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "search";
    box.className = "option-filter";
    box.id = "option-filter-" + index;
    box.autocomplete = "off";
    label.htmlFor = box.id;
    label.textContent = "Filter " + fieldName(control) + " options";
    wrap.appendChild(label);
    wrap.appendChild(box);
    control.parentNode.insertBefore(wrap, control);

    box.addEventListener("input", function () {
      var query = box.value.trim().toLowerCase();
      if (control.tagName === "SELECT") {
        Array.prototype.forEach.call(control.options, function (option) {
          option.hidden = Boolean(query) && option.value !== "" && !option.selected &&
            option.text.toLowerCase().indexOf(query) === -1;
        });
      } else {
        Array.prototype.forEach.call(control.querySelectorAll(".option"), function (option) {
          var ticked = option.querySelector("input").checked;
          option.hidden = Boolean(query) && !ticked && option.textContent.toLowerCase().indexOf(query) === -1;
        });
      }
    });
  });
})();
