// The "select all" box of django-import-export's export page (the library wires it with
// an inline handler, which the site's Content-Security-Policy blocks): it ticks or
// clears every field box of its own resource.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((toggle) => {
    const row = toggle.closest(".selectable-field-export-row");
    const index = row ? row.getAttribute("resource-index") : null;
    toggle.addEventListener("change", () => {
      const rows = index === null
        ? document.querySelectorAll(".selectable-field-export-row")
        : document.querySelectorAll(`.selectable-field-export-row[resource-index="${index}"]`);
      rows.forEach((fieldRow) => {
        fieldRow.querySelectorAll('input[type="checkbox"]:not(.select-toggle)').forEach((box) => {
          box.checked = toggle.checked;
        });
      });
    });
  });
});
