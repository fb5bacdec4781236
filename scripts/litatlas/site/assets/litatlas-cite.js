/* litatlas: the "Copy BibTeX" button of paper pages.
 * The button comes hidden (style display: none) and this script shows it; without JavaScript the BibTeX stays
 * readable and selectable under "BibTeX". The button copies the <pre> of its own citation block (.la-cite):
 * no ids, since Material rewrites the ids of <pre> elements. One listener on the document serves every page,
 * also after Material's instant navigation. */
(function () {
  "use strict";

  function reveal() {
    document.querySelectorAll(".la-cite button[data-la-copy]").forEach(function (button) {
      button.style.removeProperty("display");
    });
  }

  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (error) {
      ok = false;
    }
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return copyWithSelection(text);
      });
    }
    return copyWithSelection(text);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".la-cite button[data-la-copy]") : null;
    if (!button) {
      return;
    }
    var block = button.closest(".la-cite");
    var source = block.querySelector("pre");
    var status = block.querySelector(".la-copy-status");
    if (!source) {
      return;
    }
    copy(source.textContent).then(
      function () {
        if (status) {
          status.textContent = "BibTeX copied to the clipboard.";
        }
      },
      function () {
        var details = source.closest("details");
        if (details) {
          details.open = true;
        }
        if (status) {
          status.textContent = "Could not copy: select the BibTeX below and copy it.";
        }
      }
    );
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(reveal);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reveal);
  } else {
    reveal();
  }
})();
