// newsweave: citation popovers (click, tap, keyboard) and the "add another report" button. No dependencies.
(function () {
  "use strict";

  function closeAll(except) {
    document.querySelectorAll(".cite-wrap.open").forEach(function (wrap) {
      if (wrap !== except) {
        wrap.classList.remove("open");
        wrap.querySelector(".cite").setAttribute("aria-expanded", "false");
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".cite") : null;
    if (!button) {
      if (!event.target.closest || !event.target.closest(".evidence")) closeAll(null);
      return;
    }
    var wrap = button.parentElement;
    var open = !wrap.classList.contains("open");
    closeAll(wrap);
    wrap.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    closeAll(null);
    if (document.activeElement && document.activeElement.classList.contains("cite")) document.activeElement.blur();
  });

  var add = document.getElementById("add-report");
  if (add) {
    add.hidden = false;
    add.addEventListener("click", function () {
      var fields = document.getElementById("report-fields");
      var count = fields.querySelectorAll("textarea").length + 1;
      var label = document.createElement("label");
      label.htmlFor = "report-" + count;
      label.textContent = "Report " + count;
      var area = document.createElement("textarea");
      area.name = "report";
      area.id = "report-" + count;
      area.placeholder = "Paste the text of a report, or its URL";
      fields.appendChild(label);
      fields.appendChild(area);
      area.focus();
    });
  }
})();
