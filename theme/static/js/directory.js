// Instant filtering for /directory/. Without this script every filter link goes to its pre-built, paginated page.
// With it, a filter searches every entry (/directory/entries.json, fetched on first use) and the filters live in
// the address (/directory/?support=time-bank&area=liverpool) so a filtered view can be shared.
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

  function el(tag, text, name) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (name) node.className = name;
    return node;
  }

  function number(n) { return n.toLocaleString("en-GB"); }

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
    return base + (text ? "?" + text : "");
  }

  function describe(state) {
    return facets.filter(function (facet) { return state[facet]; }).map(function (facet) {
      return labels[facet + "=" + state[facet]] || state[facet];
    }).join(", ");
  }

  // One entry, as the server writes it (theme/templates/directory.html); text only, never markup.
  function entry(item) {
    var li = el("li", "", "entry");
    li.id = "entry-" + item.id;
    li.appendChild(el("h3", item.name, "entry-title"));
    var by = el("p", "Run by ", "entry-provider");
    var link = el("a", item.orgName);
    link.href = base + item.org + "/";
    by.appendChild(link);
    if (item.former) by.appendChild(document.createTextNode(" (formerly " + item.former + ")"));
    if (item.closed) {
      by.appendChild(document.createTextNode(" "));
      by.appendChild(el("strong", "(closed)"));
    }
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
    if (item.sourceChecked) {
      meta.appendChild(el("dt", "Source"));
      var dates = el("dd", (item.sourceDate ? "Published " + item.sourceDate : "Undated") +
        "; we last checked it on " + item.sourceChecked);
      if (item.sourceOld) {
        dates.appendChild(document.createTextNode(" "));
        dates.appendChild(el("strong", "This source is over two years old: these details may have changed.", "source-old"));
      }
      meta.appendChild(dates);
    }
    li.appendChild(meta);
    if (item.checked) {
      var notice = el("p", "", "stale-notice");
      notice.appendChild(el("strong", "Last checked " + item.checked + ": over 12 months ago."));
      li.appendChild(notice);
    }
    return li;
  }

  function announce() {
    var range = found.length > limit ? "Showing 1 to " + number(limit) : "";
    if (filtered) {
      status.textContent = number(found.length) + " of " + number(data.total) + " services match: " + filtered + "." +
        (range ? " " + range + "." : "");
    } else {
      status.textContent = range ? range + " of " + number(data.total) + " services." : "Showing all " + number(data.total) + " services.";
    }
  }

  function render(state) {
    found = data.entries.filter(function (item) {
      return facets.every(function (facet) { return !state[facet] || (item[facet] || []).indexOf(state[facet]) >= 0; });
    });
    limit = STEP;
    list.textContent = "";
    found.slice(0, limit).forEach(function (item) { list.appendChild(entry(item)); });
    if (pager) pager.hidden = true;
    more.hidden = found.length <= limit;
    empty.hidden = found.length > 0;
    announce();
  }

  function restore() {
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
      if (failed || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
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
