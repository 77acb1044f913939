// The search box: Pagefind's index and search API (pagefind/pagefind.js, written at build time by
// the PyPI package `pagefind[bin]`) with this book's result list: relevance order, the number of
// results, a snippet with the words marked, the sections of each page, arrow-key navigation, and
// close spellings when a word is found nowhere ("ruxolitnib" -> "ruxolitinib"). The page a result
// opens marks the searched words (pagefind/pagefind-highlight.js). Text is set with textContent;
// Pagefind's snippets are split at its <mark> tags and each piece is decoded as text, never as HTML.
const box = document.getElementById("quarto-search");
const input = document.getElementById("search-input");
const list = document.getElementById("search-results");
const statusLine = document.getElementById("search-status");
const offset = (box && box.dataset.offset) || "";
const siteBase = new URL(offset || "./", document.baseURI);
const HIGHLIGHT_PARAM = "highlight";

let pagefind = null;
function loadPagefind() {
  if (!pagefind) {
    pagefind = import(new URL("pagefind/pagefind.js", siteBase).href).then(async (pf) => {
      await pf.options({ baseUrl: siteBase.pathname, highlightParam: HIGHLIGHT_PARAM, excerptLength: 24 });
      pf.init();
      return pf;
    });
  }
  return pagefind;
}

// --- Close spellings: the words of the book (from search.json) within a small edit distance.
let vocabulary = null;
function loadVocabulary() {
  if (!vocabulary) {
    vocabulary = fetch(new URL("search.json", siteBase)).then((r) => r.json()).then((entries) => {
      const words = new Set();
      for (const e of entries) {
        for (const w of `${e.section} ${e.text}`.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) || []) { words.add(w); }
      }
      return Array.from(words).sort();
    });
  }
  return vocabulary;
}

// Damerau-Levenshtein (optimal string alignment) distance, stopping early past `limit`.
function distance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) { return limit + 1; }
  const d = [];
  for (let i = 0; i <= a.length; i++) { d.push([i]); }
  for (let j = 1; j <= b.length; j++) { d[0][j] = j; }
  for (let i = 1; i <= a.length; i++) {
    let best = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) { v = Math.min(v, d[i - 2][j - 2] + 1); }
      d[i][j] = v;
      best = Math.min(best, v);
    }
    if (best > limit) { return limit + 1; }
  }
  return d[a.length][b.length];
}

async function beginsAWord(word) {
  const words = await loadVocabulary();
  const clean = word.replace(/[^\p{L}\p{N}]/gu, "");
  if (clean.length < 3) { return true; }
  let lo = 0;
  let hi = words.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (words[mid] < clean) { lo = mid + 1; } else { hi = mid; } }
  return lo < words.length && words[lo].startsWith(clean);
}

async function closeSpelling(word) {
  const words = await loadVocabulary();
  const limit = word.length >= 8 ? 2 : 1;
  let best = null;
  let bestDistance = limit + 1;
  for (const w of words) {
    const dist = distance(word, w, limit);
    if (dist < bestDistance || (dist === bestDistance && best !== null && w.length === word.length && best.length !== word.length)) {
      best = w; bestDistance = dist;
    }
  }
  return bestDistance <= limit ? best : null;
}

// --- Results
function textOf(fragment) {
  return new DOMParser().parseFromString(`<!DOCTYPE html><body>${fragment}`, "text/html").body.textContent;
}

function snippet(excerpt) {
  const span = document.createElement("span");
  span.className = "result-excerpt";
  const parts = String(excerpt || "").split(/<mark>|<\/mark>/);
  parts.forEach((part, i) => {
    const text = document.createTextNode(textOf(part));
    if (i % 2 === 1) { const mark = document.createElement("mark"); mark.appendChild(text); span.appendChild(mark); }
    else { span.appendChild(text); }
  });
  return span;
}

let optionCount = 0;
function option(href, title, excerpt, className) {
  const li = document.createElement("li");
  li.setAttribute("role", "option");
  li.id = `search-option-${optionCount++}`;
  li.className = className;
  li.setAttribute("aria-selected", "false");
  const a = document.createElement("a");
  a.href = href;
  a.tabIndex = -1;
  const t = document.createElement("span");
  t.className = "result-title";
  t.textContent = title;
  a.appendChild(t);
  if (excerpt) { a.appendChild(snippet(excerpt)); }
  li.appendChild(a);
  return li;
}

function options() { return Array.from(list.querySelectorAll('[role="option"]')); }

let active = -1;
function activate(index) {
  const all = options();
  if (!all.length) { return; }
  active = (index + all.length) % all.length;
  all.forEach((li, i) => li.setAttribute("aria-selected", i === active ? "true" : "false"));
  input.setAttribute("aria-activedescendant", all[active].id);
  all[active].scrollIntoView({ block: "nearest" });
}

function clear(message) {
  list.replaceChildren();
  active = -1;
  input.removeAttribute("aria-activedescendant");
  input.setAttribute("aria-expanded", "false");
  statusLine.textContent = message || "";
}

let generation = 0;
async function run(query) {
  const mine = ++generation;
  const terms = query.trim();
  if (!terms) { clear(""); return; }
  const pf = await loadPagefind();
  // A word that begins no word of the book is a misspelling: search for its closest spelling instead
  // (Pagefind itself would fall back to ever shorter prefixes and find unrelated words).
  const words = terms.toLowerCase().split(/\s+/).filter(Boolean);
  const fixed = [];
  for (const w of words) { fixed.push((await beginsAWord(w)) ? w : ((await closeSpelling(w)) || w)); }
  const corrected = fixed.join(" ");
  const shown = corrected !== words.join(" ") ? corrected : terms;
  const note = shown !== terms ? `No results for “${terms}”; showing results for “${corrected}”. ` : "";
  const search = await pf.search(shown);
  if (mine !== generation || search === null) { return; }  // a newer query has started
  const pages = await Promise.all(search.results.map((r) => r.data()));
  if (mine !== generation) { return; }
  list.replaceChildren();
  optionCount = 0;
  active = -1;
  let sections = 0;
  for (const page of pages) {
    const title = (page.meta && page.meta.title) || page.url;
    list.appendChild(option(page.url, title, page.excerpt, "result-page"));
    for (const sub of page.sub_results || []) {
      if (sub.url === page.url || !sub.title || sub.title === title) { continue; }
      sections += 1;
      list.appendChild(option(sub.url, sub.title, sub.excerpt, "result-sub"));
    }
  }
  const count = pages.length === 0 ? `No results for “${shown}”.`
    : `${pages.length} ${pages.length === 1 ? "page" : "pages"}${sections ? `, ${sections} ${sections === 1 ? "section" : "sections"}` : ""} for “${shown}”, best first.`;
  statusLine.textContent = note + count;
  input.setAttribute("aria-expanded", pages.length ? "true" : "false");
  input.removeAttribute("aria-activedescendant");
}

function setup() {
  if (!input || !list || !statusLine) { return; }
  let timer = null;
  input.addEventListener("focus", () => { loadPagefind(); }, { once: true });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { run(input.value).catch((err) => { clear("Search is not available: " + err); }); }, 120);
  });
  input.addEventListener("keydown", (event) => {
    const all = options();
    if (event.key === "ArrowDown" && all.length) { event.preventDefault(); activate(active + 1); }
    else if (event.key === "ArrowUp" && all.length) { event.preventDefault(); activate(active - 1); }
    else if (event.key === "Home" && all.length && active !== -1) { event.preventDefault(); activate(0); }
    else if (event.key === "End" && all.length && active !== -1) { event.preventDefault(); activate(all.length - 1); }
    else if (event.key === "Enter" && all.length) {
      event.preventDefault();
      const chosen = all[active === -1 ? 0 : active].querySelector("a");
      if (chosen) { window.location.href = chosen.href; }
    } else if (event.key === "Escape") { input.value = ""; clear(""); }
  });
  // "/" anywhere (outside a text field) goes to the search box, as on most documentation sites.
  document.addEventListener("keydown", (event) => {
    const t = event.target;
    if (event.key === "/" && !(t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || (t && t.isContentEditable))) {
      event.preventDefault();
      input.focus();
    }
  });
}

// On the page a result opened: mark the searched words, and bring the first one into view.
async function highlightOnArrival() {
  const params = new URLSearchParams(window.location.search);
  if (!params.has(HIGHLIGHT_PARAM)) { return; }
  await import(new URL("pagefind/pagefind-highlight.js", siteBase).href);
  new window.PagefindHighlight({ highlightParam: HIGHLIGHT_PARAM, markContext: "#quarto-document-content",
                                 addStyles: false, markOptions: { className: "pagefind-highlight" } });
  if (!window.location.hash) {
    const first = document.querySelector("#quarto-document-content .pagefind-highlight");
    if (first) { first.scrollIntoView({ block: "center" }); }
  }
}

setup();
highlightOnArrival().catch(() => { /* the page is still readable without marks */ });
