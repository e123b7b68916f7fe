// "Explore this chart": loads our self-hosted, pinned vega, vega-lite and vega-embed only when a
// reader presses the button, then draws the chart's Vega-Lite spec interactively in place of the static picture
// (the wide or the phone drawing, whichever the screen shows); the button then switches between the two.
// Expressions run through vega-embed's bundled interpreter (ast: true), so the CSP needs no 'unsafe-eval'.
(function () {
  "use strict";
  if (window.chartExploreReady) { return; }
  window.chartExploreReady = true;

  var LIBRARIES = ["vega.min.js", "vega-lite.min.js", "vega-embed.min.js"];
  var loading = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }

  function loadLibraries(vendor) {
    if (!loading) {
      loading = LIBRARIES.reduce(function (chain, name) {
        return chain.then(function () { return loadScript(vendor + name); });
      }, Promise.resolve());
    }
    return loading;
  }

  function show(button, interactive) {
    var figure = button.closest("figure");
    figure.querySelector(".chart-image").hidden = interactive;
    document.getElementById(button.getAttribute("aria-controls")).hidden = !interactive;
    button.textContent = interactive ? "Show the static chart" : "Explore this chart";
  }

  function explore(button) {
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (target.getAttribute("data-ready") === "true") {
      show(button, target.hidden);
      return;
    }
    var wide = window.matchMedia(button.getAttribute("data-wide-media")).matches;
    var spec = button.getAttribute(wide ? "data-spec" : "data-spec-narrow");
    button.disabled = true;
    button.textContent = "Loading the interactive chart…";
    loadLibraries(button.getAttribute("data-vendor"))
      .then(function () { return fetch(spec); })
      .then(function (response) {
        if (!response.ok) { throw new Error("could not load the chart's data"); }
        return response.json();
      })
      .then(function (spec) {
        target.hidden = false;
        return window.vegaEmbed(target, spec, {
          ast: true, renderer: "canvas", actions: false, defaultStyle: false, tooltip: false
        });
      })
      .then(function (result) {
        var canvas = target.querySelector("canvas");
        if (canvas) {
          canvas.setAttribute("role", "img");
          canvas.setAttribute("aria-label", "Interactive version of this chart; the table below holds the same data.");
        }
        target.setAttribute("data-ready", "true");
        window.chartViews = (window.chartViews || []).concat([result.view]);
        button.disabled = false;
        show(button, true);
      })
      .catch(function (error) {
        button.disabled = false;
        button.textContent = "Explore this chart (failed to load: try again)";
        target.hidden = true;
        if (window.console) { console.warn(error); }
      });
  }

  function ready() {
    var buttons = document.querySelectorAll("button.chart-explore");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (event) { explore(event.currentTarget); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
