// Progressive enhancement only: every flow works without this file.
(function () {
  "use strict";
  // Language picker: submit on change (the button stays for keyboard and no-JS users).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Move focus to the error summary so screen-reader users hear what went wrong.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }
  // "Select all" boxes for bulk actions on tables.
  document.querySelectorAll("input[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      var name = box.getAttribute("data-select-all");
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (b) {
        b.checked = box.checked;
      });
    });
  });
  // Whom you represent: show only the list of the chosen category (all show without script).
  document.querySelectorAll("[data-affiliation]").forEach(function (fieldset) {
    function update() {
      fieldset.querySelectorAll(".affiliation-detail").forEach(function (detail) {
        var radio = document.getElementById(detail.getAttribute("data-for"));
        detail.hidden = !(radio && radio.checked) && !detail.querySelector(".error");
      });
    }
    fieldset.addEventListener("change", update);
    update();
  });
  // The check-in desk's count, refreshed every 15 seconds (the page shows it without script).
  document.querySelectorAll("[data-live-count]").forEach(function (counter) {
    function refresh() {
      fetch(counter.getAttribute("data-live-count"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          counter.textContent = counter.getAttribute("data-template")
            .replace("{checked}", data.checked_in).replace("{accredited}", data.accredited);
        })
        .catch(function () {});
    }
    window.setInterval(refresh, 15000);
  });
  // A list of speakers, refreshed every 10 seconds from its JSON (without script: the Refresh link).
  document.querySelectorAll("[data-live-speakers]").forEach(function (list) {
    function refresh() {
      fetch(list.getAttribute("data-live-speakers"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          var rows = data.speakers.filter(function (s) { return s.status === "waiting"; });
          list.textContent = "";
          rows.forEach(function (s) {
            var item = document.createElement("li");
            item.textContent = s.speaker + (s.person ? " (" + s.person + ")" : "") + " — " + s.level;
            list.appendChild(item);
          });
        })
        .catch(function () {});
    }
    window.setInterval(refresh, 10000);
  });
  // The presiding officer's timer: counts down the time per speaker; restarts for the next.
  document.querySelectorAll("[data-speaker-timer]").forEach(function (box) {
    var limit = parseInt(box.getAttribute("data-speaker-timer"), 10);
    var shown = box.querySelector("output");
    var start = box.querySelector("button[data-start]");
    var reset = box.querySelector("button[data-reset]");
    var timer = null;
    var left = limit;
    function show() {
      var sign = left < 0 ? "−" : "";
      var whole = Math.abs(left);
      shown.textContent = sign + Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
      box.classList.toggle("over", left < 0);
    }
    box.hidden = false;
    show();
    start.addEventListener("click", function () {
      if (timer) { window.clearInterval(timer); timer = null; start.textContent = start.getAttribute("data-start"); return; }
      start.textContent = start.getAttribute("data-pause");
      timer = window.setInterval(function () { left -= 1; show(); }, 1000);
    });
    reset.addEventListener("click", function () {
      if (timer) { window.clearInterval(timer); timer = null; start.textContent = start.getAttribute("data-start"); }
      left = limit;
      show();
    });
  });
  // Print buttons (the browser's own print command does the same without JavaScript).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // Copy-to-clipboard buttons next to feed links.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      if (navigator.clipboard) {
        navigator.clipboard.writeText(text).then(function () {
          button.textContent = button.getAttribute("data-copied") || "Copied";
        });
      }
    });
  });
})();
