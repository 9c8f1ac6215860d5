// The relationship picker's typeahead: an ARIA 1.2 combobox over options htmx loads as the person
// types, on the contact page's panel and on the new-contact form. Without this file every picker
// is a plain form: its search (or the form's "Find") lists matches to choose from.
// data-picker says what choosing does: "pick" links the record at once (the panel), "collect"
// adds it to the "replace all" selection, "fill" fills the form in (nothing is sent until the
// form is saved). A form with several pickers marks each with data-picker-scope.
(function () {
  "use strict";

  var PICKER = "input[data-picker]";

  function listboxOf(input) {
    var id = input.getAttribute("aria-controls");
    return id ? document.getElementById(id) : null;
  }

  function scopeOf(input) {
    return input.closest("[data-picker-scope]") || input.form;
  }

  function statusOf(input) {
    var scope = scopeOf(input);
    return scope ? scope.querySelector("[data-picker-status]") : null;
  }

  function say(input, text) {
    var status = statusOf(input);
    if (status) status.textContent = text;
  }

  function choosable(listbox) {
    return Array.prototype.slice.call(
      listbox.querySelectorAll('[role="option"]:not([aria-disabled="true"])')
    );
  }

  function active(input) {
    var id = input.getAttribute("aria-activedescendant");
    return id ? document.getElementById(id) : null;
  }

  function activate(input, option) {
    var listbox = listboxOf(input);
    Array.prototype.forEach.call(listbox.querySelectorAll('[role="option"]'), function (each) {
      each.setAttribute("aria-selected", each === option ? "true" : "false");
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function isOpen(input) {
    return input.getAttribute("aria-expanded") === "true";
  }

  function open(input) {
    var listbox = listboxOf(input);
    if (!listbox || !listbox.querySelector('[role="option"]')) return false;
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    return true;
  }

  function close(input) {
    var listbox = listboxOf(input);
    if (listbox) listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    activate(input, null);
  }

  function collect(input, option) {
    // "Replace all": the chosen record joins the set to preview, ticked.
    var list = input.form.querySelector("[data-chosen]");
    var id = option.getAttribute("data-id");
    var name = option.getAttribute("data-name");
    var existing = Array.prototype.filter.call(
      list.querySelectorAll('input[name="ids"]'),
      function (box) { return box.value === id; }
    )[0];
    if (existing) {
      existing.checked = true;
    } else {
      var placeholder = list.querySelector("li.empty");
      if (placeholder) placeholder.remove();
      var item = document.createElement("li");
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = "ids";
      box.value = id;
      box.checked = true;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + name));
      item.appendChild(label);
      list.appendChild(item);
    }
    input.value = "";
    close(input);
    say(input, name + " is in the selection. Preview to see the result.");
  }

  function fill(input, option) {
    // The new-contact form: the chosen id and the name it was chosen by ride with the form.
    var scope = scopeOf(input);
    var name = option.getAttribute("data-name");
    scope.querySelector("[data-picker-id]").value = option.getAttribute("data-id");
    scope.querySelector("[data-picker-name]").value = name;
    input.value = name;
    close(input);
    say(input, name + " chosen.");
  }

  function choose(input, option) {
    if (!option || option.getAttribute("aria-disabled") === "true") return;
    if (input.getAttribute("data-picker") === "collect") {
      collect(input, option);
      return;
    }
    if (input.getAttribute("data-picker") === "fill") {
      fill(input, option);
      return;
    }
    var form = input.form;
    form.querySelector("[data-picker-id]").value = option.getAttribute("data-id");
    input.value = option.getAttribute("data-name");
    close(input);
    // requestSubmit fires "submit", which htmx turns into the panel's hx-post.
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  function move(input, step) {
    var listbox = listboxOf(input);
    if (!listbox) return;
    if (!isOpen(input) && !open(input)) return;
    var options = choosable(listbox);
    if (!options.length) return;
    var index = options.indexOf(active(input));
    var next = index === -1 ? (step > 0 ? 0 : options.length - 1)
      : (index + step + options.length) % options.length;
    activate(input, options[next]);
  }

  // Capture phase: app.js's page shortcuts (Escape leaves a text box) must not see the keys
  // the combobox uses while its list is open.
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input || !input.matches || !input.matches(PICKER)) return;
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp":
        event.preventDefault();
        move(input, event.key === "ArrowDown" ? 1 : -1);
        break;
      case "Enter": {
        var option = isOpen(input) ? active(input) : null;
        if (option) {
          event.preventDefault();
          event.stopPropagation();
          choose(input, option);
        }
        // Otherwise the form submits what was typed: the server lists the matches.
        break;
      }
      case "Escape":
        if (isOpen(input)) {
          event.preventDefault();
          event.stopPropagation();
          close(input);
        }
        break;
    }
  }, true);

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(PICKER)) return;
    // A typed change un-chooses whatever was chosen before.
    var scope = scopeOf(input);
    var hidden = scope && scope.querySelector("[data-picker-id]");
    if (hidden) hidden.value = "";
    if (!input.value.trim()) close(input);
  });

  // Keep focus in the text box while an option is clicked, then choose it.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest(".listbox")) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest('.listbox [role="option"]');
    if (!option) return;
    var input = document.querySelector('[aria-controls="' + option.parentNode.id + '"]');
    if (input) choose(input, option);
  });

  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (input.matches && input.matches(PICKER) && isOpen(input)) close(input);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.getAttribute("role") !== "listbox") return;
    var input = document.querySelector('[aria-controls="' + target.id + '"]');
    if (!input) return;
    activate(input, null);
    if (!input.value.trim()) {
      close(input);
      return;
    }
    if (document.activeElement === input) open(input); else close(input);
    var count = choosable(target).length;
    var note = target.querySelector(".note");
    say(input, note && !count ? note.textContent
      : count + (count === 1 ? " match" : " matches") + ": use the arrow keys to choose.");
  });

  // After the panel comes back (a change, an error, a preview), put focus where the person
  // continues: the outcome, the error, or the kept search. Once only, so a later search in the
  // same panel never pulls focus away from the box being typed in.
  function focusWhereThePersonContinues() {
    var panel = document.getElementById("relationships");
    var target = panel && panel.querySelector("[data-focus]");
    if (!target) return;
    target.removeAttribute("data-focus");
    target.focus();
  }

  document.addEventListener("htmx:afterSettle", focusWhereThePersonContinues);
  // A page reached by a plain form post (htmx was not loaded yet) gets the same.
  focusWhereThePersonContinues();
})();
