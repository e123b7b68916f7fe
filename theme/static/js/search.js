// Site search with Pagefind's JavaScript API. Loaded only by /search/; the index is built by
// scripts/build.py (python -m pagefind). Results are built as DOM nodes: no HTML from the index
// is inserted except <mark> around the matched words.
const MAX_RESULTS = 20;
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const section = document.getElementById("search-results-section");
const list = document.getElementById("search-results");
const noScript = document.getElementById("search-no-js");

let pagefind;

async function loadPagefind() {
  if (!pagefind) {
    pagefind = await import("/pagefind/pagefind.js");
    await pagefind.options({ excerptLength: 30 });
  }
  return pagefind;
}

function excerpt(html) {
  const paragraph = document.createElement("p");
  const parsed = new DOMParser().parseFromString(html, "text/html");
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(node.textContent);
    }
  }
  return paragraph;
}

function resultItem(data) {
  const item = document.createElement("li");
  const heading = document.createElement("h3");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = (data.meta && data.meta.title) || data.url;
  heading.append(link);
  item.append(heading, excerpt(data.excerpt || ""));
  return item;
}

async function search(query) {
  list.replaceChildren();
  section.hidden = true;
  if (!query.trim()) {
    status.textContent = "";
    return;
  }
  status.textContent = "Searching…";
  try {
    const engine = await loadPagefind();
    const found = await engine.search(query);
    const shown = await Promise.all(found.results.slice(0, MAX_RESULTS).map((r) => r.data()));
    list.append(...shown.map(resultItem));
    const count = found.results.length;
    const noun = count === 1 ? "result" : "results";
    const more = count > shown.length ? `, showing the first ${shown.length}` : "";
    status.textContent = `${count} ${noun} for “${query}”${more}.`;
    section.hidden = count === 0;
  } catch (error) {
    status.textContent = "Search could not load. The directory, reports and data pages below list everything.";
    noScript.hidden = false;
    throw error;
  }
}

noScript.hidden = true;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = input.value;
  history.replaceState(null, "", `?q=${encodeURIComponent(query)}`);
  search(query);
});
const initial = new URLSearchParams(window.location.search).get("q");
if (initial) {
  input.value = initial;
  search(initial);
}
