// Draws every Vega-Lite chart on the page from the spec embedded beside it.
// vega-bundle.js (served from this site, never a CDN) defines window.vegaEmbed.
// A chart laid out per width has one spec per layout (data-width, widest first): the widest that
// fits the chart's box is drawn, and the chart is redrawn when its box changes across a layout's
// width (a turned phone, a resized window). The stylesheet scales any drawing to its box.
(function () {
  var PAD = 12; // Vega's padding on both sides, plus a little room
  function specs(div) {
    return Array.prototype.map.call(div.querySelectorAll('script[type="application/vnd.vegalite+json"]'),
      function (script) { return { width: Number(script.dataset.width || 0), script: script }; });
  }
  function choose(list, available) {
    for (var i = 0; i < list.length; i++) {
      if (!list[i].width || list[i].width + PAD <= available) { return list[i]; }
    }
    return list[list.length - 1];
  }
  function render(div, target, list) {
    var chosen = choose(list, div.clientWidth);
    if (div._chosen === chosen) { return; }
    div._chosen = chosen;
    if (div._view) { div._view.finalize(); div._view = null; }
    var spec = JSON.parse(chosen.script.textContent);
    window.vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(function (result) {
      if (div._chosen !== chosen) { result.view.finalize(); return; }
      div._view = result.view;
      div.dataset.layout = String(chosen.width || "");
    }).catch(function (err) {
      target.textContent = "This chart could not be drawn: " + err;
      console.error(err);
    });
  }
  function draw() {
    document.querySelectorAll("div.vega-chart").forEach(function (div) {
      var list = specs(div);
      if (!list.length || div.dataset.drawn) { return; }
      div.dataset.drawn = "1";
      var target = document.createElement("div");
      target.className = "vega-target";
      div.appendChild(target);
      render(div, target, list);
      if (list.length > 1 && window.ResizeObserver) {
        var pending = null;
        new ResizeObserver(function () {
          clearTimeout(pending);
          pending = setTimeout(function () { render(div, target, list); }, 120);
        }).observe(div);
      }
    });
  }
  // Vega measures text as it draws: wait for the book's font (site_libs/fonts/fonts.css), so labels are laid
  // out in the font they are shown in (a page without the font draws at once).
  function drawWithFont() {
    var fonts = document.fonts;
    var ready = fonts && fonts.load ? fonts.load('12px "Fira Sans"').catch(function () {}) : Promise.resolve();
    ready.then(draw);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawWithFont); } else { drawWithFont(); }
})();
