/* Amity's one script. Every page works without it; it only makes them quicker to use:
   the menu button below 700 px, filters that apply as you choose them, and messages you
   can dismiss. Loaded in <head> without defer so the .js class is set before first paint
   (otherwise phones would flash the full menu open). */
"use strict";
document.documentElement.classList.add("js");

function setUpMenu() {
  const button = document.querySelector(".menu-button");
  const bar = document.querySelector(".topbar");
  if (!button || !bar) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    bar.classList.toggle("nav-open", open);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && bar.classList.contains("nav-open")) {
      bar.classList.remove("nav-open");
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
  });
}

/* A form marked data-live="#results" re-renders that part of the page whenever one of
   its fields changes (typing waits for a pause), and keeps the address bar in step so
   the result can be bookmarked. Without JS the form's submit button does the same. */
function setUpLiveForms() {
  for (const form of document.querySelectorAll("form[data-live]")) {
    let timer = 0;
    let latest = 0;
    const refresh = async () => {
      const params = new URLSearchParams(new FormData(form));
      for (const [key, value] of [...params]) if (value === "") params.delete(key);
      const query = params.toString();
      const url = query ? `${form.action}?${query}` : form.action;
      const ticket = ++latest;
      const response = await fetch(url, { headers: { "X-Requested-With": "fetch" } });
      // A redirect (a search naming one person) opens that page, as the submit would.
      if (response.redirected) { window.location.assign(response.url); return; }
      if (ticket !== latest || !response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const selector of form.dataset.live.split(",")) {
        const fresh = page.querySelector(selector);
        const stale = document.querySelector(selector);
        if (fresh && stale) stale.replaceWith(fresh);
      }
      history.replaceState(null, "", url);
    };
    form.addEventListener("submit", (event) => { event.preventDefault(); refresh(); });
    form.addEventListener("change", () => { clearTimeout(timer); refresh(); });
    form.addEventListener("input", (event) => {
      if (event.target.tagName !== "INPUT") return;
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
  }
}

function setUpFlashes() {
  for (const flash of document.querySelectorAll(".flash")) {
    const close = document.createElement("button");
    close.type = "button";
    close.className = "flash-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.addEventListener("click", () => flash.remove());
    flash.append(close);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  setUpMenu();
  setUpLiveForms();
  setUpFlashes();
});
