/* Suggestions for a text field (portal.blocks.suggestions): an enhancement.
 *
 * A field with data-suggestions (a list's city filter) names the address of its
 * suggestions: [[value, label], …] in the page's language. The first time the field
 * gets focus, this script reads them once and fills the field's <datalist>, so that
 * the browser suggests them as the visitor types. The page does not carry them: a
 * directory of hundreds of cities would weigh a third more. Without the script, or if
 * the address cannot be read, the field works the same: it takes a name in either
 * language or a web-address name.
 */
(function () {
  "use strict";

  function fill(input) {
    var list = input.list;
    if (!list || input.getAttribute("data-suggestions-state")) {
      return;
    }
    input.setAttribute("data-suggestions-state", "loading");
    fetch(input.getAttribute("data-suggestions"), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (pairs) {
        var options = document.createDocumentFragment();
        pairs.forEach(function (pair) {
          var option = document.createElement("option");
          option.value = pair[0];
          option.textContent = pair[1];
          options.appendChild(option);
        });
        list.replaceChildren(options);
        input.setAttribute("data-suggestions-state", "loaded");
      })
      .catch(function () {
        // Tried again the next time the field gets focus.
        input.removeAttribute("data-suggestions-state");
      });
  }

  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-suggestions")) {
      fill(target);
    }
  });
})();
