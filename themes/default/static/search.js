// The search page: Pagefind's index, loaded on demand from /pagefind/, rendered as brief cards.
const results = document.getElementById("search-results");
const input = document.getElementById("search-query");
const pagefind = await import(results.dataset.index);
await pagefind.init();

function card(data) {
  const item = document.createElement("li");
  item.className = "card";
  const title = document.createElement("h2");
  title.className = "card-title";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  title.append(link);
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = data.meta.date || "";
  const excerpt = document.createElement("p");
  excerpt.className = "summary";
  excerpt.innerHTML = data.excerpt; // Pagefind escapes the text and adds only <mark>
  item.append(title, meta, excerpt);
  return item;
}

let latest = 0;
async function run(query) {
  const ticket = ++latest;
  results.textContent = "";
  if (!query.trim()) return;
  const search = await pagefind.search(query);
  if (ticket !== latest) return;
  if (!search.results.length) {
    const none = document.createElement("p");
    none.className = "no-results";
    none.textContent = `No briefs match “${query}”.`;
    results.append(none);
    return;
  }
  const count = document.createElement("p");
  count.className = "result-count";
  count.textContent = `${search.results.length} brief${search.results.length === 1 ? "" : "s"} found`;
  const list = document.createElement("ol");
  list.className = "briefs";
  const data = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
  if (ticket !== latest) return;
  data.forEach((d) => list.append(card(d)));
  results.append(count, list);
}

const query = new URLSearchParams(location.search).get("q") || "";
input.value = query;
input.addEventListener("input", () => run(input.value));
document.querySelector("form.search-page").addEventListener("submit", (event) => {
  event.preventDefault();
  history.replaceState(null, "", `?q=${encodeURIComponent(input.value)}`);
  run(input.value);
});
run(query);
