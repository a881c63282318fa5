// Keyboard reading in the stream, as Miniflux and NewsBlur readers expect: j/k move, o opens, s stars.
// Keys are ignored while typing in a form field or with a modifier held, so browser shortcuts keep working.
(function () {
  "use strict";

  var current = -1;

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("ol.stream-items > li.item"));
  }

  function select(index) {
    var list = items();
    if (!list.length) { return; }
    index = Math.max(0, Math.min(list.length - 1, index));
    if (list[current]) {
      list[current].classList.remove("current");
      list[current].removeAttribute("aria-current");
    }
    current = index;
    var item = list[current];
    item.classList.add("current");
    item.setAttribute("aria-current", "true");
    item.scrollIntoView({ block: "nearest" });
    var link = item.querySelector("a.item-title");
    if (link) { link.focus({ preventScroll: true }); }
  }

  function open() {
    var item = items()[current];
    var link = item && item.querySelector("a.item-title");
    if (link) { window.location.href = link.href; }
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function star() {
    var item = items()[current];
    var bar = document.querySelector(".reader-bar[data-star-url]");
    var token = csrfToken();
    if (!item || !bar || !token) { return; }  // not logged in: nothing to star with
    var url = bar.dataset.starUrl.replace("/0/", "/" + item.dataset.id + "/");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" }
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body) { item.classList.toggle("starred", body.starred); } });
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var actions = {
      j: function () { select(current + 1); },
      k: function () { select(current < 0 ? 0 : current - 1); },
      o: open,
      s: star
    };
    var action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
})();
