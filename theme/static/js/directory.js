// Instant filtering for /directory/. Without this script every filter link goes to its pre-built page.
// The filters live in the address (?support=time-bank&area=liverpool) so a filtered view can be shared.
(function () {
  "use strict";
  var root = document.getElementById("directory");
  if (!root || root.getAttribute("data-complete") !== "true" || !window.URLSearchParams || !history.pushState) return;

  var links = Array.prototype.slice.call(root.querySelectorAll("a[data-facet]"));
  var entries = Array.prototype.slice.call(root.querySelectorAll(".entry"));
  var status = document.getElementById("directory-status");
  var empty = document.getElementById("directory-empty");
  var clear = root.querySelector(".js-clear");
  var facets = [];
  var labels = {};
  links.forEach(function (link) {
    var facet = link.getAttribute("data-facet");
    if (facets.indexOf(facet) < 0) facets.push(facet);
    labels[facet + "=" + link.getAttribute("data-value")] = link.firstChild.textContent.trim();
  });

  function fromAddress() {
    var query = new URLSearchParams(location.search);
    var state = {};
    facets.forEach(function (facet) {
      var value = query.get(facet);
      if (value) state[facet] = value;
    });
    return state;
  }

  function toAddress(state) {
    var query = new URLSearchParams();
    facets.forEach(function (facet) { if (state[facet]) query.set(facet, state[facet]); });
    var text = query.toString();
    return location.pathname + (text ? "?" + text : "");
  }

  function matches(entry, state) {
    return facets.every(function (facet) {
      if (!state[facet]) return true;
      return (entry.getAttribute("data-" + facet) || "").split(" ").indexOf(state[facet]) >= 0;
    });
  }

  function describe(state) {
    return facets.filter(function (facet) { return state[facet]; }).map(function (facet) {
      return labels[facet + "=" + state[facet]] || state[facet];
    }).join(", ");
  }

  function show(state) {
    var shown = 0;
    entries.forEach(function (entry) {
      var match = matches(entry, state);
      entry.hidden = !match;
      if (match) shown += 1;
    });
    links.forEach(function (link) {
      if (state[link.getAttribute("data-facet")] === link.getAttribute("data-value")) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    var filtered = describe(state);
    empty.hidden = shown > 0;
    if (clear) clear.hidden = !filtered;
    status.textContent = filtered
      ? shown + " of " + entries.length + " services match: " + filtered + "."
      : "Showing all " + entries.length + " services.";
  }

  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      var state = fromAddress();
      var facet = link.getAttribute("data-facet");
      var value = link.getAttribute("data-value");
      if (state[facet] === value) delete state[facet]; else state[facet] = value;
      history.pushState(null, "", toAddress(state));
      show(state);
    });
  });

  Array.prototype.forEach.call(root.querySelectorAll(".clear-filters"), function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      history.pushState(null, "", location.pathname);
      show({});
      document.getElementById("filters-heading").focus();
    });
  });

  window.addEventListener("popstate", function () { show(fromAddress()); });
  document.getElementById("filters-heading").setAttribute("tabindex", "-1");
  if (location.search) show(fromAddress());
})();
