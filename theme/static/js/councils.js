// /councils/: a box that narrows the A to Z list as you type. The page works without it: every council is a
// link in the list. Only names are compared; nothing from the page is inserted as HTML.
const box = document.querySelector(".council-filter");
const input = document.getElementById("council-search");
const count = document.getElementById("council-count");
const list = document.getElementById("a-to-z");

if (box && input && count && list) {
  box.hidden = false;
  const items = Array.from(list.querySelectorAll("li[data-name]"));
  const groups = Array.from(list.querySelectorAll(".letter-group"));

  function narrow() {
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const item of items) {
      const name = item.dataset.name;
      const match = words.every((word) => name.includes(word));
      item.hidden = !match;
      if (match) shown += 1;
    }
    for (const group of groups) {
      group.hidden = !group.querySelector("li[data-name]:not([hidden])");
    }
    if (!words.length) {
      count.textContent = "";
    } else if (shown === 0) {
      count.textContent = "No council matches. Try fewer letters, or pick from the lists below.";
    } else {
      count.textContent = `${shown} ${shown === 1 ? "council matches" : "councils match"}.`;
    }
  }

  input.addEventListener("input", narrow);
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    narrow();
  }
}
