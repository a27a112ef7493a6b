// The import pages: show the chosen format's help, and follow a running import.
// Without JavaScript every format's help shows and the progress page refreshes itself.
(function () {
  "use strict";

  function followFormat(select) {
    var sections = document.querySelectorAll(".format-help[data-format]");
    var links = document.querySelectorAll("[data-format-link]");
    function show() {
      sections.forEach(function (section) {
        section.hidden = section.getAttribute("data-format") !== select.value;
      });
      links.forEach(function (link) {
        if (link.getAttribute("data-format-link") === select.value) {
          link.setAttribute("aria-current", "true");
        } else {
          link.removeAttribute("aria-current");
        }
      });
    }
    select.addEventListener("change", show);
    show();
  }

  function followImport(card) {
    var url = card.getAttribute("data-progress-url");
    var bar = card.querySelector("progress");
    var phase = card.querySelector("[data-phase]");
    var percent = card.querySelector("[data-percent]");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (state) {
          bar.value = state.percent;
          bar.textContent = state.percent + "%";
          phase.textContent = state.phase;
          percent.textContent = state.percent;
          if (state.next) {
            window.location.assign(state.next);
          } else {
            window.setTimeout(poll, 700);
          }
        })
        .catch(function () {
          window.setTimeout(poll, 2000); // a busy server: try again a little later
        });
    }
    poll();
  }

  var select = document.querySelector("select[data-format-help]");
  if (select) followFormat(select);
  var card = document.querySelector(".import-progress[data-progress-url]");
  if (card) followImport(card);
})();
