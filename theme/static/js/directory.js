// Instant, combined filters for /directory/ over /directory/entries.json, kept in the address (README "Filters").
(function () {
  "use strict";
  var root = document.getElementById("directory");
  if (!root || !root.getAttribute("data-entries") || !window.URLSearchParams || !history.pushState || !window.fetch) return;

  var STEP = 50;
  var UNCONFIRMED = "Not yet confirmed from a source";
  var base = root.getAttribute("data-base");
  var home = location.pathname;
  var links = Array.prototype.slice.call(root.querySelectorAll("a[data-facet]"));
  var list = root.querySelector(".entries");
  var served = Array.prototype.slice.call(list.children);
  var status = document.getElementById("directory-status");
  var servedStatus = status.textContent;
  var empty = document.getElementById("directory-empty");
  var clear = root.querySelector(".js-clear");
  var pager = root.querySelector(".pagination");
  var more = el("button", "Show more services", "show-more");
  more.type = "button";
  more.hidden = true;
  list.parentNode.insertBefore(more, list.nextSibling);
  var data = null, loading = null, failed = false, found = [], limit = STEP, filtered = "";
  var facets = [];
  var labels = {};
  links.forEach(function (link) {
    var facet = link.getAttribute("data-facet");
    if (facets.indexOf(facet) < 0) facets.push(facet);
    labels[facet + "=" + link.getAttribute("data-value")] = link.firstChild.textContent.trim();
  });
  // Counts follow the selection; a value at 0 loses its href (text, not a link).
  var counts = links.map(function (a) {
    var n = a.querySelector(".count");
    return { a: a, href: a.getAttribute("href"), n: n, served: n.textContent };
  });

  function el(tag, text, name) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (name) node.className = name;
    return node;
  }

  function number(n) { return n.toLocaleString("en-GB"); }

  function fromAddress() {
    var query = new URLSearchParams(location.search), state = {};
    facets.forEach(function (f) { if (query.get(f)) state[f] = query.get(f); });
    return state;
  }

  function toAddress(state) {
    var query = new URLSearchParams();
    facets.forEach(function (f) { if (state[f]) query.set(f, state[f]); });
    return base + (query.toString() ? "?" + query : "");
  }

  function describe(state) {
    return facets.filter(function (facet) { return state[facet]; }).map(function (facet) {
      return labels[facet + "=" + state[facet]] || state[facet];
    }).join(", ");
  }

  // One entry, as theme/templates/directory.html writes it; text only, never markup.
  function entry(item) {
    var li = el("li", "", "entry");
    li.id = "entry-" + item.id;
    li.appendChild(el("h3", item.name, "entry-title"));
    var by = el("p", "Run by ", "entry-provider");
    var link = el("a", item.orgName);
    link.href = base + item.org + "/";
    by.appendChild(link);
    if (item.former) by.append(" (formerly " + item.former + ")");
    if (item.closed) by.append(" ", el("strong", "(closed)"));
    li.appendChild(by);
    li.appendChild(el("p", item.description));
    var meta = el("dl", "", "meta-list directory-meta");
    [["Where", item.where || UNCONFIRMED], ["For", item["for"] || UNCONFIRMED],
     ["Support", item.terms || "Not yet classified"], ["Cost", item.costText], ["Contact", item.contact ? "" : UNCONFIRMED]
    ].forEach(function (row) {
      meta.appendChild(el("dt", row[0]));
      meta.appendChild(el("dd", row[1]));
    });
    if (item.contact) {
      var contact = el("a", "See contact details");
      contact.href = base + item.org + "/#contact";
      meta.lastChild.appendChild(contact);
    }
    if (item.source) {
      meta.appendChild(el("dt", "Source"));
      meta.appendChild(el("dd", item.source)).appendChild(el("strong", item.sourceOld));
    }
    li.appendChild(meta);
    if (item.checked) li.appendChild(el("p", "", "stale-notice")).appendChild(el("strong", "Last checked " + item.checked + ": over 12 months ago."));
    return li;
  }

  function announce() {
    var range = found.length > limit ? "Showing 1 to " + number(limit) : "", all = number(data.total);
    status.textContent = filtered ? number(found.length) + " of " + all + " services match: " + filtered + "." +
      (range ? " " + range + "." : "") : range ? range + " of " + all + " services." : "Showing all " + all + " services.";
  }

  function matches(item, state) {
    return facets.every(function (facet) { return !state[facet] || (item[facet] || []).indexOf(state[facet]) >= 0; });
  }

  function recount(state) {
    counts.forEach(function (c) {
      var f = c.a.getAttribute("data-facet"), v = c.a.getAttribute("data-value"), n = -1, would = {};
      if (data && describe(state)) {
        facets.forEach(function (k) { would[k] = state[k]; });
        would[f] = v;
        n = data.entries.filter(function (item) { return matches(item, would); }).length;
      }
      c.n.textContent = n < 0 ? c.served : "(" + number(n) + ")";
      if (n === 0 && state[f] !== v) c.a.removeAttribute("href"); else c.a.setAttribute("href", c.href);
    });
  }

  function render(state) {
    found = data.entries.filter(function (item) { return matches(item, state); });
    recount(state);
    limit = STEP;
    list.textContent = "";
    found.slice(0, limit).forEach(function (item) { list.appendChild(entry(item)); });
    if (pager) pager.hidden = true;
    more.hidden = found.length <= limit;
    empty.hidden = found.length > 0;
    announce();
  }

  function restore() {
    recount({});
    list.textContent = "";
    served.forEach(function (item) { list.appendChild(item); });
    if (pager) pager.hidden = false;
    more.hidden = true;
    empty.hidden = served.length > 0;
    status.textContent = servedStatus;
  }

  // After a tap, if the result count is off-screen (on a phone the filters fill the screen), move focus and the
  // view to it, so the reader sees, and hears, what the filter did.
  function reveal() {
    var box = status.getBoundingClientRect();
    var height = window.innerHeight || document.documentElement.clientHeight;
    if (box.top >= 0 && box.bottom <= height) return;
    status.setAttribute("tabindex", "-1");
    status.focus({ preventScroll: true });
    status.scrollIntoView({ block: "start" });
  }

  function show(state, tapped) {
    links.forEach(function (link) {
      if (state[link.getAttribute("data-facet")] === link.getAttribute("data-value")) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    filtered = describe(state);
    if (clear) clear.hidden = !filtered;
    if (!filtered && location.pathname === home) {
      restore();
      if (tapped) reveal();
      return;
    }
    if (data) {
      render(state);
      if (tapped) reveal();
      return;
    }
    root.setAttribute("aria-busy", "true");
    if (!loading) {
      loading = fetch(root.getAttribute("data-entries")).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      });
    }
    loading.then(function (json) {
      data = json;
      render(fromAddress());
      if (tapped) reveal();
    }, function () {
      failed = true;
      status.textContent = "The filters could not load every entry: each filter link opens its own page instead.";
    }).then(function () { root.removeAttribute("aria-busy"); });
  }

  more.addEventListener("click", function () {
    var next = found.slice(limit, limit + STEP).map(entry);
    next.forEach(function (item) { list.appendChild(item); });
    limit += STEP;
    more.hidden = found.length <= limit;
    announce();
    next[0].firstChild.setAttribute("tabindex", "-1");
    next[0].firstChild.focus();
  });

  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (failed || !link.hasAttribute("href") || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      var state = fromAddress();
      var facet = link.getAttribute("data-facet");
      var value = link.getAttribute("data-value");
      if (state[facet] === value) delete state[facet]; else state[facet] = value;
      history.pushState(null, "", toAddress(state));
      show(state, true);
    });
  });

  Array.prototype.forEach.call(root.querySelectorAll(".clear-filters"), function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      history.pushState(null, "", base);
      show({});
      document.getElementById("filters-heading").focus();
    });
  });

  window.addEventListener("popstate", function () { show(fromAddress()); });
  document.getElementById("filters-heading").setAttribute("tabindex", "-1");
  if (location.search) show(fromAddress());
})();
