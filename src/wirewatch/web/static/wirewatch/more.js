// "More Articles", enhanced: fetch the next items as an HTML fragment and append them to the list in place.
// Without this script the link is an ordinary link to a full page, so nothing depends on it.
// The fragment is parsed with DOMParser, which never runs scripts, and only <li> items are taken from it.
(function () {
  "use strict";

  function fragmentUrl(href) {
    var url = new URL(href, window.location.href);
    url.searchParams.set("partial", "1");
    return url.toString();
  }

  function appendItems(list, doc) {
    var seen = {};
    list.querySelectorAll("li[data-id]").forEach(function (li) { seen[li.dataset.id] = true; });
    doc.querySelectorAll("ol.items > li").forEach(function (li) {
      if (!seen[li.dataset.id]) {
        list.appendChild(document.importNode(li, true));
        seen[li.dataset.id] = true;
      }
    });
  }

  function updateLink(link, doc) {
    var next = doc.querySelector("a.more-articles");
    if (next) {
      link.href = next.getAttribute("href");
    } else {
      link.remove();
    }
  }

  function loadMore(link, list) {
    link.setAttribute("aria-busy", "true");
    return fetch(fragmentUrl(link.href), { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        appendItems(list, doc);
        updateLink(link, doc);
      })
      .catch(function () {
        // The full page still works: go there rather than leave the reader with a dead button.
        window.location.href = link.href;
      })
      .finally(function () { link.removeAttribute("aria-busy"); });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.more-articles[data-append-to]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var list = document.getElementById(link.dataset.appendTo);
    if (!list) { return; }  // no list to append to: follow the link to the full page
    event.preventDefault();
    if (!link.getAttribute("aria-busy")) { loadMore(link, list); }
  });
})();
