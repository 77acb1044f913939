// Full-text search over the book: reads search.json (built with the site) and lists matching sections.
(function () {
  var index = null;
  function load(offset) {
    if (index) { return Promise.resolve(index); }
    return fetch(offset + "search.json").then(function (r) { return r.json(); }).then(function (data) {
      index = data; return index;
    });
  }
  function tokens(text) { return text.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; }); }
  function setup() {
    var input = document.getElementById("search-input");
    var list = document.getElementById("search-results");
    if (!input || !list) { return; }
    var offset = input.dataset.offset || "";
    input.addEventListener("input", function () {
      var terms = tokens(input.value);
      list.innerHTML = "";
      if (terms.length === 0) { return; }
      load(offset).then(function (entries) {
        var hits = entries.filter(function (e) {
          var hay = (e.title + " " + e.section + " " + e.text).toLowerCase();
          return terms.every(function (t) { return hay.indexOf(t) !== -1; });
        }).slice(0, 20);
        list.innerHTML = "";
        if (hits.length === 0) {
          var none = document.createElement("li"); none.textContent = "No matches"; list.appendChild(none); return;
        }
        hits.forEach(function (e) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = offset + e.href;
          a.textContent = e.title + (e.section && e.section !== e.title ? " › " + e.section : "");
          li.appendChild(a); list.appendChild(li);
        });
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setup); } else { setup(); }
})();
