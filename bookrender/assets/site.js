// The book's page behaviour: theme toggle, the table of contents that marks the current section,
// back to top, and previews of cross-references and citations (on hover and on keyboard focus).
// Text from the pages is only ever moved as DOM nodes or set with textContent, never as HTML strings.
(function () {
  "use strict";
  var root = document.documentElement;

  // --- Dark mode: the system's preference unless the reader chose; the choice is remembered.
  function setupTheme() {
    var button = document.getElementById("theme-toggle");
    if (!button) { return; }
    var system = window.matchMedia("(prefers-color-scheme: dark)");
    function current() { return root.dataset.theme || (system.matches ? "dark" : "light"); }
    function show() {
      var dark = current() === "dark";
      button.setAttribute("aria-pressed", dark ? "true" : "false");
      button.textContent = dark ? "Light mode" : "Dark mode";
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem("bookrender-theme", next); } catch (e) { /* private browsing */ }
      show();
    });
    system.addEventListener("change", show);
    show();
  }

  // --- The table of contents marks the section being read.
  function setupScrollSpy() {
    var links = Array.prototype.slice.call(document.querySelectorAll('#TOC a[href^="#"]'));
    var targets = links.map(function (a) {
      return document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    });
    if (!links.length) { return; }
    var ticking = false;
    function update() {
      ticking = false;
      var active = -1;
      var line = Math.min(window.innerHeight * 0.25, 160);
      targets.forEach(function (el, i) {
        if (el && el.getBoundingClientRect().top <= line) { active = i; }
      });
      if (active === -1 && window.scrollY > 0) { active = 0; }
      // At the very bottom the last section counts as read, even when it is short.
      if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2) { active = links.length - 1; }
      links.forEach(function (a, i) {
        if (i === active) { a.classList.add("active"); a.setAttribute("aria-current", "location"); }
        else { a.classList.remove("active"); a.removeAttribute("aria-current"); }
      });
    }
    window.addEventListener("scroll", function () {
      if (!ticking) { ticking = true; window.requestAnimationFrame(update); }
    }, { passive: true });
    window.addEventListener("resize", update);
    update();
  }

  // --- Back to top appears once the reader has scrolled a screen.
  function setupBackToTop() {
    var link = document.getElementById("back-to-top");
    if (!link) { return; }
    function update() { link.classList.toggle("visible", window.scrollY > window.innerHeight * 0.8); }
    window.addEventListener("scroll", update, { passive: true });
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.scrollTo({ top: 0 });
      var title = document.querySelector("#quarto-header .book-title");
      if (title) { title.focus(); }
      history.replaceState(null, "", location.pathname + location.search);
    });
    update();
  }

  // --- Previews of cross-references (figures, tables, sections) and citations.
  var PREVIEW_ID = "bookrender-preview";
  var pages = {};  // page URL -> Promise of its parsed document

  function pageDocument(url) {
    if (!pages[url]) {
      pages[url] = fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(r.status + " " + url); }
        return r.text();
      }).then(function (text) { return new DOMParser().parseFromString(text, "text/html"); });
    }
    return pages[url];
  }

  function previewable(a) {
    if (!a.closest("#quarto-document-content") || a.closest(".preview-popup") || a.classList.contains("anchor-link")) {
      return null;
    }
    var href = a.getAttribute("href") || "";
    var hash = href.indexOf("#");
    if (hash === -1) { return null; }
    var id = decodeURIComponent(href.slice(hash + 1));
    if (!/^(fig|tbl|sec|ref)-/.test(id)) { return null; }
    var url = new URL(href, location.href);
    var samePage = url.pathname === location.pathname;
    return { id: id, url: url.href.split("#")[0], samePage: samePage };
  }

  // The part of the target worth showing, as a detached copy without scripts or ids.
  function excerpt(target, id) {
    var box = document.createElement("div");
    if (/^ref-/.test(id)) {
      var text = target.querySelector(".csl-right-inline") || target;
      box.appendChild(text.cloneNode(true));
    } else if (/^(fig|tbl)-/.test(id)) {
      var caption = target.querySelector(".fig-caption, .tbl-caption");
      if (caption) { box.appendChild(caption.cloneNode(true)); }
      var table = /^tbl-/.test(id) && target.querySelector("table");
      if (table) {
        var small = table.cloneNode(true);
        Array.prototype.slice.call(small.querySelectorAll("tbody tr")).slice(5).forEach(function (tr) { tr.remove(); });
        box.appendChild(small);
      }
      // A figure drawn by script (any element with role="img") is previewed by its description.
      var chart = target.querySelector('[role="img"][aria-label]');
      if (chart) {
        var alt = document.createElement("p");
        alt.textContent = chart.getAttribute("aria-label");
        box.appendChild(alt);
      }
    } else {
      if (/^H[1-6]$/.test(target.tagName) && target.parentElement) { target = target.parentElement; }
      var heading = target.querySelector("h1, h2, h3, h4, h5, h6");
      if (heading) {
        var title = document.createElement("p");
        title.className = "preview-title";
        title.textContent = heading.textContent.replace(/#$/, "").trim();
        box.appendChild(title);
      }
      var para = target.querySelector("p");
      if (para) { box.appendChild(para.cloneNode(true)); }
    }
    box.querySelectorAll("script, style, [id]").forEach(function (el) {
      if (el.tagName === "SCRIPT" || el.tagName === "STYLE") { el.remove(); } else { el.removeAttribute("id"); }
    });
    return box;
  }

  var popup = null;
  var owner = null;
  var hideTimer = null;

  function hidePreview() {
    if (popup) { popup.remove(); popup = null; }
    if (owner) { owner.removeAttribute("aria-describedby"); owner = null; }
  }

  function place(a) {
    var rect = a.getBoundingClientRect();
    var width = popup.offsetWidth;
    var left = Math.max(8, Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    var below = rect.bottom + window.scrollY + 6;
    popup.style.left = left + "px";
    popup.style.top = below + "px";
  }

  function showPreview(a) {
    var info = previewable(a);
    if (!info) { return; }
    clearTimeout(hideTimer);
    if (owner === a) { return; }
    hidePreview();
    owner = a;
    var found = info.samePage ? Promise.resolve(document) : pageDocument(info.url);
    found.then(function (doc) {
      if (owner !== a) { return; }
      var target = doc.getElementById(info.id);
      if (!target) { return; }
      popup = document.createElement("div");
      popup.id = PREVIEW_ID;
      popup.className = "preview-popup";
      popup.setAttribute("role", "tooltip");
      var content = excerpt(target, info.id);
      popup.appendChild(document.importNode(content, true));
      popup.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
      popup.addEventListener("mouseleave", scheduleHide);
      document.body.appendChild(popup);
      a.setAttribute("aria-describedby", PREVIEW_ID);
      place(a);
    }).catch(function () { /* no preview: the link still works */ });
  }

  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hidePreview, 250);
  }

  function setupPreviews() {
    var content = document.getElementById("quarto-document-content");
    if (!content) { return; }
    content.addEventListener("mouseover", function (event) {
      var a = event.target.closest && event.target.closest("a[href]");
      if (a) { showPreview(a); }
    });
    content.addEventListener("mouseout", function (event) {
      var a = event.target.closest && event.target.closest("a[href]");
      if (a && a === owner) { scheduleHide(); }
    });
    content.addEventListener("focusin", function (event) {
      var a = event.target.closest && event.target.closest("a[href]");
      if (a) { showPreview(a); }
    });
    content.addEventListener("focusout", function (event) {
      if (event.target === owner) { scheduleHide(); }
    });
    document.addEventListener("keydown", function (event) {
      // Escape also cancels a preview still being fetched, so it cannot appear after the reader dismissed it.
      if (event.key === "Escape" && (popup || owner)) { clearTimeout(hideTimer); hidePreview(); }
    });
  }

  // A table wider than its column, or longer than the window, scrolls in its box: it becomes a named
  // region that takes the keyboard focus, so it can be scrolled with the arrow keys (WCAG 2.1.1; axe-core's scrollable-region-focusable).
  function setupScrollRegions() {
    function mark() {
      document.querySelectorAll("#quarto-document-content table").forEach(function (table) {
        var scrolls = table.scrollWidth > table.clientWidth + 1 || table.scrollHeight > table.clientHeight + 1;
        if (scrolls && !table.hasAttribute("tabindex")) {
          var figure = table.closest(".book-table");
          var caption = figure && figure.querySelector(".tbl-caption");
          table.setAttribute("tabindex", "0");
          table.setAttribute("aria-label", ((caption ? caption.textContent.trim() + " " : "") +
                                            "(scrolls)").trim());
        } else if (!scrolls && table.getAttribute("tabindex") === "0") {
          table.removeAttribute("tabindex");
          table.removeAttribute("aria-label");
        }
      });
    }
    mark();
    window.addEventListener("resize", mark);
  }

  // On a phone a table of four or more columns reads as one card per row (book.css, .stack-on-phone):
  // each cell is labelled with its column's header, which is given here as data-label.
  function setupPhoneTables() {
    document.querySelectorAll("#quarto-document-content table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      if (heads.length < 4) { return; }
      table.classList.add("stack-on-phone");
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (cell, i) {
          if (heads[i]) { cell.setAttribute("data-label", heads[i]); }
        });
      });
    });
  }

  function start() {
    setupTheme();
    setupScrollSpy();
    setupBackToTop();
    setupPreviews();
    setupPhoneTables();
    setupScrollRegions();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
