// Draws every Vega-Lite chart on the page from the spec embedded beside it.
// vega-bundle.js (served from this site, never a CDN) defines window.vegaEmbed.
(function () {
  function draw() {
    document.querySelectorAll("div.vega-chart").forEach(function (div) {
      var script = div.querySelector('script[type="application/vnd.vegalite+json"]');
      if (!script || div.dataset.drawn) { return; }
      div.dataset.drawn = "1";
      var target = document.createElement("div");
      target.className = "vega-target";
      div.appendChild(target);
      var spec = JSON.parse(script.textContent);
      window.vegaEmbed(target, spec, { actions: false, renderer: "svg" }).catch(function (err) {
        target.textContent = "This chart could not be drawn: " + err;
        console.error(err);
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
